package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/** The per-op floor hands out exactly the C plan's addresses, in its region, and replays only its own trace. */
class FloorAllocatorTest {

    @Test
    void theExamplePlanWorkedOutByHand() {
        // the trace format's example: offsets 0, 128, 160, 672, 0 in a region of 17056 bytes (see test_replay_lanes.c)
        OpSequence ops = new OpSequence.Builder("example", 3).add(OpSequence.ALLOC, 0, 100)
                .add(OpSequence.ALLOC_ZEROED, 1, 24).add(OpSequence.REALLOC, 0, 300).add(OpSequence.FREE, 1, 0)
                .add(OpSequence.ALLOC, 2, 9000).add(OpSequence.RESET, 0, 0).add(OpSequence.ALLOC, 0, 16).build();
        NativeReplay.FloorPlan plan = NativeReplay.floorPlan(ops.encoded(), ops.slots());
        assertEquals(17056, plan.regionBytes());
        assertEquals(java.util.List.of(0L, 128L, 160L, 672L, 0L),
                java.util.Arrays.stream(plan.offsets()).boxed().toList());
        try (Allocator floor = FloorAllocator.contexts(ops).get()) {
            long base = floor.alloc(100);
            assertEquals(base + 128, floor.allocZeroed(24));
            assertEquals(base + 160, floor.resize(base, 100, 300));
            floor.free(base + 128);
            assertEquals(base + 672, floor.alloc(9000));
            floor.reset();
            assertEquals(base, floor.alloc(16));
            assertThrows(IllegalStateException.class, () -> floor.alloc(1), "more allocations than its trace has");
        }
    }

    @Test
    void everyContextReplaysItsTraceInsideTheRegion() {
        OpSequence ops = BuiltinPatterns.byName("logrand", 20_000, 3);
        NativeReplay.FloorPlan plan = NativeReplay.floorPlan(ops.encoded(), ops.slots());
        Supplier<Allocator> contexts = FloorAllocator.contexts(ops);
        ReplayLoop loop = new ReplayLoop(ops);
        for (int i = 0; i < 3; i++) {
            loop.iteration(contexts);
        }
        try (Allocator floor = contexts.get()) {
            long base = floor.alloc(1);
            for (long offset : plan.offsets()) {
                assertTrue(offset >= 0 && offset < plan.regionBytes(), "offset " + offset);
            }
            assertTrue(base % 4096 == 0, "the region is page-aligned");
        }
    }
}
