package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.allocbench.alloc.AbstractAllocator;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.Capabilities;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one replay loop: the same work for every allocator. Its live set is
 * checked against a recording allocator (every free of a live chunk exactly
 * once, on R and at the end for an allocator without a bulk release; none for
 * one with it; no frees at all for one that cannot free), and against glibc
 * through the checked view on every pattern, which throws at any double,
 * stale or foreign free.
 */
class ReplayLoopTest {

    /** Records what the loop asks; hands out distinct addresses in a private buffer. */
    static class Recorder extends AbstractAllocator {
        final Set<Long> live = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        final MemorySegment buffer = Arena.ofAuto().allocate(1 << 20, 16);
        long next;

        Recorder(boolean individualFree, boolean bulkReset) {
            super("recorder", new Capabilities(individualFree, true, bulkReset, false, 16, ""));
        }

        private long take(long size) {
            long at = buffer.address() + (next % ((1 << 20) - 4096));
            next += (size + 15) & -16;
            live.add(at);
            return at;
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public long alloc(long size) {
            calls.add("a");
            return take(size);
        }

        @Override
        public long allocZeroed(long size) {
            calls.add("z");
            return take(size);
        }

        @Override
        public long resize(long handle, long oldSize, long newSize) {
            calls.add("r");
            if (!live.remove(handle)) {
                throw new AssertionError("resize of a chunk that is not live");
            }
            return take(newSize);
        }

        @Override
        public void free(long handle) {
            calls.add("f");
            if (!live.remove(handle)) {
                throw new AssertionError("free of a chunk that is not live: 0x" + Long.toHexString(handle));
            }
        }

        @Override
        public long address(long handle) {
            return handle;
        }

        @Override
        protected void releaseAll() {
            calls.add("R");
            live.clear();
        }

        @Override
        protected void releaseForGood() {
            calls.add("close");
            if (capabilities().bulkReset()) {
                live.clear();
            }
        }

        @Override
        public AllocatorStats stats() {
            return AllocatorStats.UNKNOWN;
        }
    }

    /** a 0, a 1, z 2, f 1, r 0, R, a 1, a 2, f 2, a 3 (4 slots); at the end slots 1 and 3 are live. */
    private static OpSequence example() {
        return new OpSequence.Builder("example", 4).add(OpSequence.ALLOC, 0, 10).add(OpSequence.ALLOC, 1, 20)
                .add(OpSequence.ALLOC_ZEROED, 2, 30).add(OpSequence.FREE, 1, 0).add(OpSequence.REALLOC, 0, 40)
                .add(OpSequence.RESET, 0, 0).add(OpSequence.ALLOC, 1, 50).add(OpSequence.ALLOC, 2, 60)
                .add(OpSequence.FREE, 2, 0).add(OpSequence.ALLOC, 3, 70).build();
    }

    @Test
    void withoutABulkReleaseTheLoopFreesEachLiveChunkOnResetAndAtTheEnd() {
        Recorder r = new Recorder(true, false);
        new ReplayLoop(example()).iteration(() -> r);
        // R: slots 0 and 2 were live (in some order); the end: slots 1 and 3; never a reset or a double free
        assertEquals(List.of("a", "a", "z", "f", "r", "f", "f", "a", "a", "f", "a", "f", "f", "close"), r.calls);
        assertTrue(r.live.isEmpty(), "left live: " + r.live);
    }

    @Test
    void withABulkReleaseTheLoopResetsAndClosesInstead() {
        Recorder r = new Recorder(true, true);
        new ReplayLoop(example()).iteration(() -> r);
        assertEquals(List.of("a", "a", "z", "f", "r", "R", "a", "a", "f", "a", "close"), r.calls);
    }

    @Test
    void anAllocatorThatCannotFreeIsNeverAskedTo() {
        Recorder r = new Recorder(false, true);
        ReplayLoop loop = new ReplayLoop(example());
        loop.iteration(() -> r);
        assertEquals(List.of("a", "a", "z", "r", "R", "a", "a", "a", "close"), r.calls);
    }

    @Test
    void theLiveSetCountsWhatIsLive() {
        Recorder r = new Recorder(true, true);
        ReplayLoop loop = new ReplayLoop(example());
        loop.replay(r);
        assertEquals(2, loop.liveCount());
        loop.end(r);
        assertEquals(0, loop.liveCount());
        r.close();
    }

    @Test
    void anOpThatThrowsStillLeavesNothingLive() {
        Recorder r = new Recorder(true, false) {
            @Override
            public long alloc(long size) {
                if (calls.size() == 7) {
                    throw new OutOfMemoryError("recorder: out of memory on request of " + size + " bytes");
                }
                return super.alloc(size);
            }
        };
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> new ReplayLoop(example()).iteration(() -> r));
        assertTrue(e.getMessage().startsWith("recorder: out of memory"), e.getMessage());
        assertTrue(r.live.isEmpty(), "the live chunks were freed on the way out: " + r.live);
        assertEquals("close", r.calls.get(r.calls.size() - 1));
    }

    /** glibc through the checked view: any free the live set gets wrong is an exception, on every pattern. */
    @ParameterizedTest
    @EnumSource(Pattern.class)
    void everyPatternReplaysThroughACheckedMallocWithoutABadFree(Pattern p) {
        OpSequence ops = p.generate(p == Pattern.MALLOC_LARGE ? 300 : 20_000, 5);
        ReplayLoop loop = new ReplayLoop(ops);
        for (int i = 0; i < 2; i++) { // the loop's scratch is reused from one iteration to the next
            loop.iteration(() -> Allocators.byName("glibc").create().checked());
        }
    }
}
