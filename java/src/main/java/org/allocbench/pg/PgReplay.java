package org.allocbench.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.ReplayLane;

/**
 * Replays a trace in a real PostgreSQL backend: {@code allocbench_replay(ops,
 * nslots, iterations)} of the allocbench_pg extension, with the ops as
 * little-endian words ({@link OpsBytea}). The backend validates the trace
 * first (a bad op is an error naming its index), then times each iteration
 * (create an AllocSet with ALLOCSET_DEFAULT_SIZES, replay, delete) with
 * clock_gettime inside the server: no JDBC or network time is in the figure.
 * With each iteration's time comes the backend's minor page faults in it.
 *
 * <p>Warm before timing: the first call in a fresh backend faults in every
 * page its context touches (about 3,000 faults per iteration on a logrand
 * trace, 108 ns/op, against 170 faults and 15 ns/op on the next call), which
 * is the backend's history, not its allocator; our lanes replay warmed too.
 * {@link #lane} makes one untimed call per trace first.
 */
public final class PgReplay {

    private static final String SQL = "SELECT median_ns_per_op, total_bytes, total_nblocks, free_bytes,"
            + " free_chunks, used_bytes, ns_per_iteration, minflt_per_iteration FROM allocbench_replay(?, ?, ?)";

    private PgReplay() {
    }

    /** One call: each iteration's time and faults, and the counters before the last delete. */
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
                return new LaneResult(longs(rs.getArray("ns_per_iteration")),
                        longs(rs.getArray("minflt_per_iteration")), encodedOps.length, counters);
            }
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * The cluster's backend as a {@link ReplayLane}: each replay is an untimed
     * warm-up call of one iteration, then the timed call.
     */
    public static ReplayLane lane(PgCluster cluster) {
        return (ops, slots, iterations) -> {
            replay(cluster.connection(), ops, slots, 1);
            return replay(cluster.connection(), ops, slots, iterations);
        };
    }

    private static long[] longs(java.sql.Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).longValue();
        }
        return out;
    }
}
