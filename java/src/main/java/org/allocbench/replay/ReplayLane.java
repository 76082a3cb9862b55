package org.allocbench.replay;

import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeReplay;

/**
 * Something that replays a whole trace (ops in {@code OpSequence}'s encoding)
 * through an AllocSet with ALLOCSET_DEFAULT_SIZES, {@code iterations} times,
 * and reports a {@link LaneResult}: real PostgreSQL ({@code PgReplay.lane}) or
 * allocbench's own library, in this JVM ({@link #ourMainLibrary()},
 * {@link #ourVariant}) or in a fresh process ({@link WholeTraceRunner}).
 */
@FunctionalInterface
public interface ReplayLane {

    LaneResult replay(long[] encodedOps, int slots, int iterations);

    /** Our AllocSet, whole trace in C in this JVM: the main library (PostgreSQL 16+ layout), one downcall per replay. */
    static ReplayLane ourMainLibrary() {
        return (ops, slots, n) -> of(NativeReplay.allocSet(ops, slots, AllocSetSizes.DEFAULT, n, false), ops.length);
    }

    /** Our AllocSet, whole trace in C in this JVM, in a library variant (e.g. "pg15": PostgreSQL 15's layout). */
    static ReplayLane ourVariant(String variant) {
        NativeReplay.Variant library = NativeReplay.variant(variant);
        return (ops, slots, n) -> of(library.allocSet(ops, slots, AllocSetSizes.DEFAULT, n, false), ops.length);
    }

    /** A NativeReplay result as a lane's. */
    static LaneResult of(NativeReplay.Result r, int ops) {
        return new LaneResult(r.nsPerIteration(), r.minorFaults(), ops, r.statsBeforeDelete());
    }
}
