package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;
import org.allocbench.alloc.JavaAllocSetAllocator;
import org.allocbench.arena.JavaAllocSet;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.alloc.Pg15AllocSetAllocator;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/**
 * The version 2 replay on one thread: contexts through real children for the
 * AllocSets, emulated by frees for allocators without contexts (exactly the
 * chunks of the reset or deleted subtree, each once, and the rest at the end),
 * exact counters against hand-computed expectations, and bad sequences refused
 * with their op index.
 */
class TreeReplayLoopTest {

    /**
     * Contexts 1 (A, under the root) and 2 (B, under A); slots 0, 1 in A, 2 in B, 3 in the root; R 1 releases
     * 0, 1, 2 (and kills B); then slot 0 in A again, d 1 releases it; slot 3 is live at the end.
     */
    static OpSequence subtrees() {
        return new V2Traces.Builder("subtrees", 4, 3, 1)
                .c(1, 0, 0, 8192, 8 << 20, "A").u(1).a(0, 10).a(1, 20)
                .c(2, 1, 0, 1024, 8192, "B").u(2).a(2, 30)
                .u(0).a(3, 40)
                .reset(1)
                .u(1).a(0, 50)
                .d(1)
                .build();
    }

    /** Steps through {@code ops}, returning the recorder's live count after each op. */
    private static int[] liveAfterEachOp(OpSequence ops, TreeRecorder recorder) {
        int[] live = new int[ops.length()];
        try (TreeReplayLoop loop = new TreeReplayLoop(ops)) {
            loop.begin(recorder);
            for (int i = 0; i < ops.length(); i++) {
                loop.step(i);
                live[i] = recorder.live.size();
            }
            loop.end(recorder);
        }
        return live;
    }

    @Test
    void withoutContextsAResetOrDeleteFreesExactlyItsSubtreesChunksAndTheEndFreesTheRest() {
        TreeRecorder malloc = new TreeRecorder(true, false);
        int[] live = liveAfterEachOp(subtrees(), malloc);
        // c a a c a a | R 1 | a | d 1
        assertEquals(List.of(0, 1, 2, 2, 3, 4, 1, 2, 1), List.of(live[0], live[1], live[2], live[3], live[4],
                live[5], live[6], live[7], live[8]));
        assertEquals(0, malloc.live.size(), "the end frees slot 3");
        assertEquals(5, malloc.frees, "every chunk freed once: 3 by R 1, 1 by d 1, 1 at the end, and no more");
        malloc.close();
    }

    @Test
    void aBulkResetOfTheRootIsTheAllocatorsResetButOtherContextsAreEmulated() {
        OpSequence ops = new V2Traces.Builder("root-reset", 3, 2, 1)
                .c(1, 0, 0, 8192, 8 << 20, "A").u(1).a(0, 10).u(0).a(1, 20).a(2, 30)
                .reset(1) // frees slot 0 only
                .reset(0) // the heap's own reset
                .build();
        TreeRecorder heap = new TreeRecorder(true, true);
        int[] live = liveAfterEachOp(ops, heap);
        assertEquals(2, live[4], "R 1 freed A's chunk");
        assertEquals(1, heap.frees);
        assertEquals(1, heap.resets, "R 0 is one bulk reset");
        assertEquals(0, live[5]);
        heap.close();
    }

    @Test
    void anAllocatorThatCannotFreeGetsNoFreesAtAll() {
        TreeRecorder arena = new TreeRecorder(false, true);
        liveAfterEachOp(subtrees(), arena);
        assertEquals(0, arena.frees);
        arena.close();
    }

    @Test
    void theSameChunksAreFreedWhateverTheOrderOfChildrenAndDepth() {
        // a deeper tree: R 1 must release 1's grandchildren and their chunks too, and then d 1 nothing more
        OpSequence ops = new V2Traces.Builder("deep", 6, 5, 1)
                .c(1, 0, 0, 1024, 8192, "A").c(2, 1, 0, 1024, 8192, "B").c(3, 2, 0, 1024, 8192, "C")
                .c(4, 1, 0, 1024, 8192, "D")
                .u(3).a(0, 8).u(4).a(1, 8).u(2).a(2, 8).u(1).a(3, 8).u(0).a(4, 8)
                .reset(1).u(1).a(5, 8).d(1)
                .build();
        TreeRecorder malloc = new TreeRecorder(true, false);
        int[] live = liveAfterEachOp(ops, malloc);
        assertEquals(1, live[9], "R 1 leaves only the root's chunk");
        assertEquals(2, live[10]);
        assertEquals(1, live[11], "d 1 frees slot 5");
        assertEquals(0, malloc.live.size());
        malloc.close();
    }

    @Test
    void nativeAllocSetChildrenAreRealContextsWithTheTracesNamesAndSizes() {
        try (TreeReplayLoop loop = new TreeReplayLoop(subtrees());
                NativeAllocSetAllocator root = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            loop.begin(root);
            for (int i = 0; i < 6; i++) {
                loop.step(i);
            }
            String dump = root.dump();
            assertTrue(dump.startsWith("aset-native: 8192 total in 1 blocks; 7880 free (0 chunks); 312 used\n"
                    + "  A: 8192 total in 1 blocks; 7888 free (0 chunks); 304 used\n"
                    + "    B: 1024 total in 1 blocks; 744 free (0 chunks); 280 used\n"), dump);
            loop.step(6); // R 1: B is gone
            assertTrue(root.dump().contains("  A: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n"));
            assertFalse(root.dump().contains("B:"));
            loop.step(7);
            loop.step(8); // d 1
            assertEquals("aset-native: 8192 total in 1 blocks; 7880 free (0 chunks); 312 used\n"
                    + "Grand total: 8192 bytes in 1 blocks; 7880 free (0 chunks); 312 used\n", root.dump());
            loop.end(root);
        }
    }

    @Test
    void aContextsInstanceIsClosedWhenAnAncestorsResetDeletesIt() {
        try (TreeReplayLoop loop = new TreeReplayLoop(subtrees());
                NativeAllocSetAllocator root = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            loop.begin(root);
            for (int i = 0; i < 6; i++) {
                loop.step(i);
            }
            Allocator b = loop.context(2);
            loop.step(6); // R 1 deletes B natively
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.alloc(8));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            b.close(); // a no-op, not a second native delete
        }
    }

    /** Hand-computed counters (see docs/postgres-memory.md): the AllocSets meet them exactly. */
    static OpSequence expected() {
        return new V2Traces.Builder("expected", 4, 3, 1)
                .e(0, 8192, 1, 0, 7952)
                .c(1, 0, 0, 1024, 8192, "small")
                .e(1, 1024, 1, 0, 784)              // keeper 1024: 200 context + 40 block header
                .u(1).a(0, 100)                      // 128 + 8
                .e(1, 1024, 1, 0, 648)
                .a(1, 2000)                          // above the chunk limit (1024): a dedicated block of 2000 + 48
                .e(1, 1024 + 2048, 2, 0, 648)
                .f(0)                                // the 136 bytes on a freelist
                .e(1, 1024 + 2048, 2, 1, 784)
                .c(2, 1, 0, 8192, 8 << 20, "child")
                .u(2).a(2, 8)
                .e(2, 8192, 1, 0, 7952 - 16)
                .e(1, 1024 + 2048, 2, 1, 784)        // a child's memory is its own
                .reset(1)                            // deletes the child, frees the dedicated block
                .e(1, 1024, 1, 0, 784)
                .u(0).a(3, 24)
                .e(0, 8192, 1, 0, 7952 - 40)
                .build();
    }

    @Test
    void everyAllocSetMeetsHandComputedExpectations() {
        for (Allocator a : List.of(new NativeAllocSetAllocator(AllocSetSizes.DEFAULT),
                new JavaAllocSetAllocator(AllocSetSizes.DEFAULT))) {
            try (a) {
                Optional<ExpectationCheck.Mismatch> m = ExpectationCheck.firstMismatch(expected(), a);
                assertTrue(m.isEmpty(), () -> a.name() + ": " + m.get().message());
            }
        }
    }

    /** The example of docs/trace-format.md's Version 2 section, op for op. */
    static OpSequence docExample(long expectedFree) {
        return new V2Traces.Builder("example", 4, 3, 2)
                .c(1, 0, 0, 8192, 8388608, "ExecutorState").u(1).a(0, 100)
                .c(2, 1, 0, 1024, 8192, "ExprContext").u(2).a(1, 40)
                .t(1).f(0)
                .t(0).reset(2).a(2, 64)
                .e(1, 8192, 1, 1, expectedFree)
                .d(1)
                .build();
    }

    @Test
    void theDocumentedExampleReplays() {
        // ExecutorState after its 100-byte chunk (128 + 8) went to a freelist: fresh again, with one free chunk
        try (NativeAllocSetAllocator a = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            Optional<ExpectationCheck.Mismatch> m = ExpectationCheck.firstMismatch(docExample(7952), a);
            assertTrue(m.isEmpty(), () -> m.get().message());
        }
    }

    @Test
    void aWrongExpectationIsReportedWithItsOpAndContext() {
        OpSequence ops = new V2Traces.Builder("wrong", 1, 2, 1)
                .c(1, 0, 0, 1024, 8192, "small").u(1).a(0, 100)
                .e(1, 1024, 1, 0, 700)
                .build();
        try (NativeAllocSetAllocator a = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            ExpectationCheck.Mismatch m = ExpectationCheck.firstMismatch(ops, a).orElseThrow();
            assertEquals("before op 2, context 1 (small): the trace expects 1024 total in 1 blocks; 700 free"
                    + " (0 chunks); 324 used, the replay has 1024 total in 1 blocks; 648 free (0 chunks); 376 used",
                    m.message());
        }
    }

    @Test
    void snapshotsReadEveryLiveContextAtEachPoint() {
        try (NativeAllocSetAllocator a = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            List<ExpectationCheck.Snapshot> points = ExpectationCheck.snapshots(expected(), a);
            assertEquals(List.of(0, 1, 2, 3, 4, 6, 7, 8), points.stream().map(ExpectationCheck.Snapshot::beforeOp)
                    .toList());
            assertEquals(List.of(0, 1, 2), List.copyOf(points.get(5).counters().keySet()), "before the reset");
            assertEquals(List.of(0, 1), List.copyOf(points.get(6).counters().keySet()), "the child is gone");
        }
    }

    @Test
    void thePg15LayoutReplaysTheSameTreeWithItsOwnCounters() {
        try (Pg15AllocSetAllocator a = new Pg15AllocSetAllocator(AllocSetSizes.DEFAULT)) {
            List<ExpectationCheck.Snapshot> points = ExpectationCheck.snapshots(expected(), a);
            AllocatorStats small = points.get(2).counters().get(1);
            assertEquals(1024, small.totalBytes().getAsLong());
            assertTrue(small.freeBytes().getAsLong() < 784, "a 16-byte chunk header and a larger context");
            assertTrue(a.dump().startsWith("aset-pg15: "), a.dump());
        }
    }

    @Test
    void anExpectationCheckNeedsContextsWithCounters() {
        TreeRecorder malloc = new TreeRecorder(true, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpectationCheck.firstMismatch(expected(), malloc));
        assertTrue(e.getMessage().contains("no contexts with counters"), e.getMessage());
    }

    @Test
    void aSequenceThatBreaksTheRulesIsRefusedWithItsOpIndex() {
        // f of a chunk placed in the wrong context
        OpSequence ops = new OpSequence("bad", 1, new long[] {
            OpSequence.encode(OpSequence.CREATE, 0, 0), OpSequence.encode(OpSequence.ALLOC, 0, 8),
            OpSequence.encode(OpSequence.FREE, 0, 0)},
                new org.allocbench.trace.Placement(1, new int[] {1, 0, 1}, new org.allocbench.trace.ContextSpec[] {
                    org.allocbench.trace.ContextSpec.ROOT,
                    new org.allocbench.trace.ContextSpec(0, 0, 1024, 8192, "A")}, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TreeReplayLoop(ops));
        assertEquals("invalid trace bad at op 2: the chunk in slot 0 is in context 0, not 1", e.getMessage());
        OpSequence deleteRoot = new V2Traces.Builder("root", 1, 1, 1).build();
        OpSequence withD0 = new OpSequence("root", 1, new long[] {OpSequence.encode(OpSequence.DELETE, 0, 0)},
                new org.allocbench.trace.Placement(1, new int[] {0}, deleteRoot.placement().contexts(), List.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TreeReplayLoop(withD0)).getMessage()
                .contains("op 0: the root context 0 cannot be deleted"));
    }

    @Test
    void theFloorReplaysAVersion2TraceAsItsVersion1Equivalent() {
        OpSequence flat = TreePlan.of(subtrees()).v1Equivalent();
        // c dropped; R 1 -> f 0, f 1, f 2; d 1 -> f 0
        StringBuilder kinds = new StringBuilder();
        for (int i = 0; i < flat.length(); i++) {
            kinds.append("?azrfR".charAt(flat.kind(i))).append(flat.slot(i)).append(' ');
        }
        assertEquals("a0 a1 a2 a3 f0 f1 f2 a0 f0 ", kinds.toString());
        try (TreeReplayLoop loop = new TreeReplayLoop(subtrees())) {
            java.util.function.Supplier<Allocator> floor = FloorAllocator.contexts(subtrees());
            loop.iteration(floor);
            loop.iteration(FloorAllocator.contexts(subtrees()));
        }
    }

    @Test
    void anAllocatorOwnedByOneThreadIsRefusedATraceOfSeveralThreadsBeforeAnythingRuns() {
        OpSequence twoThreads = new V2Traces.Builder("two", 2, 1, 2).a(0, 8).t(1).f(0).build();
        try (TreeReplayLoop loop = new TreeReplayLoop(twoThreads)) {
            // confined arenas; never used: no set
            Capabilities java = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.ARENA)
                    .capabilities();
            NotApplicable e = assertThrows(NotApplicable.class, () -> loop.prepare(java)); // a not-run cell
            assertEquals("its instances belong to the thread that made them, and a trace of 2 threads replays on as"
                    + " many threads", e.getMessage());
        }
        try (TreeReplayLoop loop = new TreeReplayLoop(twoThreads)) {
            // over malloc's blocks the Java set is a context any thread may use, one at a time
            loop.prepare(new JavaAllocSetAllocator(AllocSetSizes.DEFAULT).capabilities());
            assertEquals(2, loop.threads());
            loop.iteration(() -> new JavaAllocSetAllocator(AllocSetSizes.DEFAULT));
        }
        try (TreeReplayLoop inOrder = TreeReplayLoop.inTraceOrder(twoThreads);
                JavaAllocSetAllocator java = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            inOrder.replay(java); // in trace order it is fine
            inOrder.end(java);
            assertEquals(1, inOrder.threads());
        }
    }

    @Test
    void capabilitiesSayWhichAllocatorsHaveTrees() {
        try (NativeAllocSetAllocator a = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            assertTrue(a.capabilities().contextTree());
            assertEquals(Capabilities.Sharing.PER_CONTEXT, a.capabilities().sharing());
        }
        TreeRecorder r = new TreeRecorder(true, false);
        assertFalse(r.capabilities().contextTree());
        assertThrows(UnsupportedOperationException.class, () -> r.child("x", 0, 1024, 8192));
        r.close();
    }
}
