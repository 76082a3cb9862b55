package org.allocbench.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.ReplayLane;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

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

    private static final String TREE_TIMED_SQL = "SELECT median_ns_per_op, total_bytes, total_nblocks, free_bytes,"
            + " free_chunks, used_bytes, ns_per_iteration, minflt_per_iteration"
            + " FROM allocbench_replay_tree_timed(?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String TREE_SQL = "SELECT before_op, context, total_bytes, total_nblocks, free_chunks,"
            + " free_bytes FROM allocbench_replay_tree(?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String TREE_KIND_SQL = "SELECT before_op, context, total_bytes, total_nblocks, free_chunks,"
            + " free_bytes FROM allocbench_replay_tree_kind(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private PgReplay() {
    }

    /**
     * A version 2 trace replayed once in the backend (allocbench_replay_tree, in trace order): PostgreSQL's
     * counters of each context just before its delete (by a {@code d} of it or an ancestor, or by an ancestor's
     * reset) and, at the end, of every context still alive, as
     * expectations (in the order the backend met them).
     */
    public static List<Expectation> replayTree(Connection connection, OpSequence ops) {
        try (PreparedStatement call = connection.prepareStatement(TREE_SQL)) {
            bindTree(connection, call, ops, 1);
            return expectations(call);
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #replayTree}, through the backend's own contexts of {@code kind} ("AllocSet", "Generation" or
     * "Slab": the root with ALLOCSET_DEFAULT_SIZES, a Slab root with 8192-byte blocks), each Slab context with
     * {@code slabChunkSizes[id]} as its chunk size; with {@code every > 0} also the counters of the op's context
     * before every {@code every}-th op (allocbench_replay_tree_kind).
     */
    public static List<Expectation> replayTreeKind(Connection connection, OpSequence ops, String kind, int every,
            long[] slabChunkSizes) {
        try (PreparedStatement call = connection.prepareStatement(TREE_KIND_SQL)) {
            call.setString(1, kind);
            call.setInt(2, every);
            bindTree(connection, call, ops, 3);
            Long[] chunks = new Long[slabChunkSizes.length];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = slabChunkSizes[i];
            }
            call.setArray(11, connection.createArrayOf("int8", chunks));
            return expectations(call);
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static List<Expectation> expectations(PreparedStatement call) throws SQLException {
        List<Expectation> out = new ArrayList<>();
        try (ResultSet rs = call.executeQuery()) {
            while (rs.next()) {
                out.add(new Expectation(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6)));
            }
        }
        return out;
    }

    /** One call: each iteration's time and faults, and the counters before the last delete. */
    public static LaneResult replay(Connection connection, long[] encodedOps, int slots, int iterations) {
        Objects.requireNonNull(encodedOps, "encodedOps");
        try (PreparedStatement call = connection.prepareStatement(SQL)) {
            call.setBytes(1, OpsBytea.encode(encodedOps));
            call.setInt(2, slots);
            call.setInt(3, iterations);
            return timedResult(call, encodedOps.length);
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** A timed replay's row (allocbench_replay's eight OUT values) as a lane's result. */
    private static LaneResult timedResult(PreparedStatement call, int ops) throws SQLException {
        try (ResultSet rs = call.executeQuery()) {
            if (!rs.next()) {
                throw new PgReplayException("the timed replay returned no row", null);
            }
            MemoryContextCounters counters = new MemoryContextCounters(rs.getLong("total_nblocks"),
                    rs.getLong("free_chunks"), rs.getLong("total_bytes"), rs.getLong("free_bytes"),
                    rs.getLong("used_bytes"));
            return new LaneResult(longs(rs.getArray("ns_per_iteration")),
                    longs(rs.getArray("minflt_per_iteration")), ops, counters);
        }
    }

    /**
     * One timed call for a trace of either version: version 1 through allocbench_replay, version 2 (one
     * thread: {@link PgTraceSupport}) through allocbench_replay_tree_timed, the root's counters before the
     * last delete either way.
     */
    public static LaneResult replay(Connection connection, OpSequence ops, int iterations) {
        if (ops.placement() == null) {
            return replay(connection, ops.encoded(), ops.slots(), iterations);
        }
        try (PreparedStatement call = connection.prepareStatement(TREE_TIMED_SQL)) {
            bindTree(connection, call, ops, 1);
            call.setInt(9, iterations);
            return timedResult(call, ops.length());
        } catch (SQLException e) {
            throw new PgReplayException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** As {@link #lane}: an untimed warm-up call of one iteration, then the timed call. */
    public static LaneResult replayWarm(PgCluster cluster, OpSequence ops, int iterations) {
        replay(cluster.connection(), ops, 1);
        return replay(cluster.connection(), ops, iterations);
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

    /** Parameters first..first+7 of the version 2 functions: ops, placement, slots, the context table by column. */
    private static void bindTree(Connection connection, PreparedStatement call, OpSequence ops, int first)
            throws SQLException {
        Placement p = Objects.requireNonNull(ops.placement(), "a version 2 trace");
        int n = p.contextCount();
        Integer[] parents = new Integer[n];
        Long[] mins = new Long[n];
        Long[] inits = new Long[n];
        Long[] maxes = new Long[n];
        String[] names = new String[n];
        for (int c = 0; c < n; c++) {
            ContextSpec spec = c == 0 ? null : p.contexts()[c];
            parents[c] = spec == null ? -1 : spec.parent();
            mins[c] = spec == null ? 0 : spec.minContextSize();
            inits[c] = spec == null ? 0 : spec.initBlockSize();
            maxes[c] = spec == null ? 0 : spec.maxBlockSize();
            names[c] = spec == null ? "" : spec.name();
        }
        ByteBuffer where = ByteBuffer.allocate(4 * ops.length()).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : p.where()) {
            where.putInt(w);
        }
        call.setBytes(first, OpsBytea.encode(ops.encoded()));
        call.setBytes(first + 1, where.array());
        call.setInt(first + 2, ops.slots());
        call.setArray(first + 3, connection.createArrayOf("int4", parents));
        call.setArray(first + 4, connection.createArrayOf("int8", mins));
        call.setArray(first + 5, connection.createArrayOf("int8", inits));
        call.setArray(first + 6, connection.createArrayOf("int8", maxes));
        call.setArray(first + 7, connection.createArrayOf("text", names));
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
