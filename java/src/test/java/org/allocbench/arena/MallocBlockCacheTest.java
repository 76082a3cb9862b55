package org.allocbench.arena;

import static org.allocbench.arena.BlockCacheTest.onFreshThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.api.Test;

/**
 * The per-thread cache of freed malloc blocks in front of malloc: which block a
 * request gets back, what is not kept, its bound, trimming, thread end, and the
 * spare sources a thread keeps for its next sets. Each scenario runs on a thread
 * of its own, so it starts with an empty cache.
 */
class MallocBlockCacheTest {

    private static final long MIB = 1L << 20;

    @Test
    void aFreedBlockComesBackUnzeroedForTheNextRequestOfItsSize() throws Exception {
        onFreshThread(() -> {
            MallocBlockSource source = MallocBlockSource.open();
            long block = source.alloc(16_384);
            OffHeap.setLong(block + 104, 0x1234);
            assertTrue(source.free(block));
            assertEquals(16_384, MallocBlockSource.retainedBytesOfCurrentThread());
            assertEquals(block, source.alloc(16_384), "the same block, no malloc");
            assertEquals(0x1234, OffHeap.getLong(block + 104), "as its last user left it, as malloc's are");
            assertEquals(0, MallocBlockSource.retainedBytesOfCurrentThread());
            assertTrue(source.owns(block));
            source.freeAll();
            MallocBlockSource.trimCurrentThread();
        });
    }

    @Test
    void aBlockIsTakenBackOnlyByARequestOfExactlyItsSize() throws Exception {
        onFreshThread(() -> {
            MallocBlockSource source = MallocBlockSource.open();
            source.free(source.alloc(MallocBlockCache.MIN_CACHED_BLOCK / 2));
            source.free(source.alloc(2 * MallocBlockCache.MAX_CACHED_BLOCK));
            assertEquals(0, MallocBlockSource.retainedBytesOfCurrentThread(), "both went to free()");

            long dedicated = source.alloc(36_048); // a dedicated block: MAXALIGN(36,000) + 48
            long regular = source.alloc(32_768);
            source.free(dedicated);
            source.free(regular);
            assertEquals(36_048 + 32_768, MallocBlockSource.retainedBytesOfCurrentThread());
            assertNotEquals(dedicated, source.alloc(36_040), "8 bytes less: not the cached block, nothing is rounded");
            assertNotEquals(regular, source.alloc(16_384));
            assertEquals(dedicated, source.alloc(36_048));
            assertEquals(regular, source.alloc(32_768));
            assertEquals(0, MallocBlockSource.retainedBytesOfCurrentThread());
            source.freeAll();
            MallocBlockSource.trimCurrentThread();
        });
    }

    @Test
    void atMostMaxSizesDifferentSizesAreKept() throws Exception {
        onFreshThread(() -> {
            MallocBlockSource source = MallocBlockSource.open();
            long[] blocks = new long[MallocBlockCache.MAX_SIZES + 1];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = source.alloc(4096 + 8L * i);
            }
            long kept = 0;
            for (int i = 0; i < blocks.length; i++) {
                source.free(blocks[i]);
                kept += i < MallocBlockCache.MAX_SIZES ? 4096 + 8L * i : 0;
                assertEquals(kept, MallocBlockSource.retainedBytesOfCurrentThread(), "after freeing block " + i);
            }
            assertEquals(kept, MallocBlockSource.trimCurrentThread());
        });
    }

    @Test
    void theBudgetHolds() throws Exception {
        onFreshThread(() -> {
            MallocBlockSource source = MallocBlockSource.open();
            long[] blocks = new long[40];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = source.alloc(MIB);
            }
            for (long block : blocks) {
                source.free(block);
                assertTrue(MallocBlockSource.retainedBytesOfCurrentThread() <= MallocBlockCache.THREAD_BUDGET);
            }
            assertEquals(MallocBlockCache.THREAD_BUDGET, MallocBlockSource.retainedBytesOfCurrentThread(),
                    "8 of the 40 blocks are kept, the other 32 freed");
            assertEquals(MallocBlockCache.THREAD_BUDGET, MallocBlockSource.trimCurrentThread());
            assertEquals(0, MallocBlockSource.retainedBytesOfCurrentThread());
            assertEquals(0, MallocBlockSource.trimCurrentThread(), "nothing left");
        });
    }

    @Test
    void aResetSetTakesItsBlocksBackFromTheCacheAndItsCountersDoNotChange() throws Exception {
        onFreshThread(() -> {
            try (JavaAllocSet set = new JavaAllocSet("PerTuple", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.MALLOC)) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 20; i++) {
                        set.alloc(1000); // 1032 bytes each: 7 in the keeper, 7 in an 8 KiB block, 6 in a 16 KiB one
                    }
                    assertEquals(8192 + 8192 + 16_384, set.memAllocated());
                    assertEquals(3, set.stats().blocks());
                    assertEquals(0, MallocBlockSource.retainedBytesOfCurrentThread(), "round " + round);
                    set.reset();
                    assertEquals(8192 + 16_384, MallocBlockSource.retainedBytesOfCurrentThread(), "round " + round);
                    ArenaCounters.assertFreshDefault(set);
                }
            }
            // the keeper (8 KiB with the set's struct in it) is kept too at delete
            assertEquals(8192 + 8192 + 16_384, MallocBlockSource.retainedBytesOfCurrentThread());
            MallocBlockSource.trimCurrentThread();
        });
    }

    @Test
    void aDeletedSetsSourceServesTheNextSetOfItsThread() throws Exception {
        onFreshThread(() -> {
            MallocBlockSource first = MallocBlockSource.open();
            long block = first.alloc(4096);
            first.retire();
            MallocBlockSource second = MallocBlockSource.open();
            assertNotSame(first, second, "a source that still holds a block is not reused");
            first.free(block);

            second.retire();
            assertSame(second, MallocBlockSource.open(), "an empty retired source is");
            assertNotSame(second, MallocBlockSource.open(), "once");

            MallocBlockSource[] retired = new MallocBlockSource[MallocBlockCache.Anchor.SPARE_SOURCES + 1];
            for (int i = 0; i < retired.length; i++) {
                retired[i] = MallocBlockSource.open();
            }
            for (MallocBlockSource source : retired) {
                source.retire();
            }
            for (int i = retired.length - 2; i >= 0; i--) {
                assertSame(retired[i], MallocBlockSource.open(), "spare " + i);
            }
            assertNotSame(retired[retired.length - 1], MallocBlockSource.open(), "beyond the bound: dropped");
            MallocBlockSource.trimCurrentThread();
        });
    }

    @Test
    void cachedBlocksOfAThreadThatEndedAreFreed() throws Exception {
        AtomicReference<MallocBlockCache> ended = new AtomicReference<>();
        onFreshThread(() -> {
            try (JavaAllocSet set = new JavaAllocSet("Ends", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.MALLOC)) {
                set.free(set.alloc(40_000)); // a dedicated block, kept
            } // and the keeper (8 KiB)
            assertTrue(MallocBlockCache.current().retainedBytes() > 0);
            ended.set(MallocBlockCache.current());
        });
        MallocBlockCache cache = ended.get();
        BlockCacheTest.awaitRelease(cache::released);
        assertEquals(0, cache.retainedBytes());
    }
}
