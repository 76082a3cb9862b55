package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Version 2 traces through the FFM binding (ab_trace_create2): docs/trace-format.md's example on two threads
 * (thread 1 frees thread 0's chunk) replays in the AllocSet and malloc lanes, and a bad one is refused naming
 * its op. The op words and placement are written out by hand: this package sits below trace.
 */
class NativeReplayTreeTest {

    private static long op(int kind, int slot, long size) {
        return kind | (long) slot << 3 | size << 27;
    }

    private static int where(int context, int thread) {
        return context | thread << 24;
    }

    private static final long[] OPS = {op(6, 0, 0), op(1, 0, 100), op(6, 0, 0), op(1, 1, 40), op(4, 0, 0),
        op(5, 0, 0), op(1, 2, 64), op(7, 0, 0)};
    private static final int[] PLACEMENT = {where(1, 0), where(1, 0), where(2, 0), where(2, 0), where(1, 1),
        where(2, 0), where(2, 0), where(1, 0)};
    private static final int[] PARENTS = {-1, 0, 1};
    private static final long[] SIZES = {0, 0, 0, 0, 8192, 8388608, 0, 1024, 8192};
    private static final String[] NAMES = {null, "ExecutorState", "ExprContext"};

    @Test
    void theDocsExampleReplaysOnTwoThreads() {
        try (NativeReplay.PreparedTrace trace = NativeReplay.prepareTree(OPS, 4, PLACEMENT, 2, PARENTS, SIZES,
                NAMES)) {
            NativeReplay.Result r = trace.run(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 20, false);
            // the root itself never allocates: a fresh DEFAULT context's counters
            assertEquals(new MemoryContextCounters(1, 0, 8192, 7952, 240), r.statsBeforeDelete());
            assertEquals(20, r.nsPerIteration().length);
            assertEquals(20, trace.time(NativeReplay.Lane.MALLOC, AllocSetSizes.DEFAULT, 20).length);
        }
    }

    @Test
    void aBadTraceNamesItsOp() {
        int[] wrong = PLACEMENT.clone();
        wrong[4] = where(2, 1); // the freed chunk is in context 1
        MemoryContextException e = assertThrows(MemoryContextException.class,
                () -> NativeReplay.prepareTree(OPS, 4, wrong, 2, PARENTS, SIZES, NAMES));
        assertEquals("invalid trace at op 4: 'f' on slot 0 names context 2, but its chunk is in context 1",
                e.getMessage());
    }
}
