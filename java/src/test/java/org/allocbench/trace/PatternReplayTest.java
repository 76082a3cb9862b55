package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every pattern replays through the native AllocSet behind the checked view
 * (which rejects a handle that is not live), op for op as the benchmarks do.
 */
class PatternReplayTest {

    /** malloc-large allocates 5..25 MiB per op: a few hundred ops show it replays. */
    private static int ops(Pattern p) {
        return p == Pattern.MALLOC_LARGE ? 300 : 20_000;
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void replaysThroughTheNativeAllocSet(Pattern p) {
        OpSequence ops = p.generate(ops(p), 11);
        try (NativeAllocSetAllocator aset = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            Allocator checked = aset.checked();
            new ReplayLoop(ops).replay(checked);
            long live = PatternSimulation.run(ops).liveBytes();
            long used = checked.stats().usedBytes().orElseThrow();
            assertTrue(used >= live, p + ": the context uses " + used + " bytes, less than the live " + live);
        }
    }
}
