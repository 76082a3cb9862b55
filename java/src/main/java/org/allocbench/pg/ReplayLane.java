package org.allocbench.pg;

import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeReplay;

/**
 * Something that replays a trace (ops in {@code OpSequence}'s encoding) through
 * an AllocSet with ALLOCSET_DEFAULT_SIZES, {@code iterations} times, and
 * reports a {@link LaneResult}: real PostgreSQL ({@link PgReplay#lane}) or
 * allocbench's own library.
 */
@FunctionalInterface
public interface ReplayLane {

    LaneResult replay(long[] encodedOps, int slots, int iterations);

    /** Our AllocSet, whole trace in C: the main library (PostgreSQL 16+ layout), one downcall per replay. */
    static ReplayLane ourMainLibrary() {
        return (ops, slots, n) -> ofNative(NativeReplay.allocSet(ops, slots, AllocSetSizes.DEFAULT, n, false),
                ops.length);
    }

    /** Our AllocSet, whole trace in C, in a library variant (e.g. "pg15": PostgreSQL 15's layout). */
    static ReplayLane ourVariant(String variant) {
        NativeReplay.Variant library = NativeReplay.variant(variant);
        return (ops, slots, n) -> ofNative(library.allocSet(ops, slots, AllocSetSizes.DEFAULT, n, false), ops.length);
    }

    /** A NativeReplay result as a lane's: median ns/op over the iterations, the counters before delete. */
    private static LaneResult ofNative(NativeReplay.Result r, int ops) {
        return new LaneResult(LaneResult.medianNsPerOp(r.nsPerIteration(), ops), r.statsBeforeDelete());
    }
}
