package org.allocbench.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.allocbench.nativecore.MemoryContextCounters;

/**
 * Replays a trace in a real PostgreSQL backend: {@code allocbench_replay(ops,
 * nslots, iterations)} of the allocbench_pg extension, with the ops as
 * little-endian words ({@link OpsBytea}). The backend validates the trace
 * first (a bad op is an error naming its index), then times each iteration
 * (create an AllocSet with ALLOCSET_DEFAULT_SIZES, replay, delete) with
 * clock_gettime inside the server: no JDBC or network time is in the figure.
 */
public final class PgReplay {

    private static final String SQL = "SELECT median_ns_per_op, total_bytes, total_nblocks, free_bytes,"
            + " free_chunks, used_bytes FROM allocbench_replay(?, ?, ?)";

    private PgReplay() {
    }

    /** One call: the median ns/op over {@code iterations} and the counters before the last delete. */
    public static LaneResult replay(Connection connection, long[] encodedOps, int slots, int iterations) {
        Objects.requireNonNull(encodedOps, "encodedOps");
        try (PreparedStatement call = connection.prepareStatement(SQL)) {
            call.setBytes(1, OpsBytea.encode(encodedOps));
            call.setInt(2, slots);
            call.setInt(3, iterations);
            try (ResultSet rs = call.executeQuery()) {
                if (!rs.next()) {
                    throw new PgReplayException("allocbench_replay returned no row", null);
                }
                MemoryContextCounters counters = new MemoryContextCounters(rs.getLong("total_nblocks"),
                        rs.getLong("free_chunks"), rs.getLong("total_bytes"), rs.getLong("free_bytes"),
                        rs.getLong("used_bytes"));
                return new LaneResult(rs.getDouble("median_ns_per_op"), counters);
            }
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The cluster's backend as a {@link ReplayLane}. */
    public static ReplayLane lane(PgCluster cluster) {
        return (ops, slots, iterations) -> replay(cluster.connection(), ops, slots, iterations);
    }
}
