package org.allocbench.arena;

import static org.allocbench.nativecore.AddressSpace.ALL;
import static org.allocbench.nativecore.Counters.assertCounters;
import static org.allocbench.arena.ArenaCounters.assertFilled;
import static org.allocbench.arena.ArenaCounters.fill;
import static org.allocbench.arena.BlockCacheTest.onFreshThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeMemoryContext;
import org.junit.jupiter.api.Test;

/**
 * A JavaAllocSet over the block cache: blocks freed by reset, pfree and delete
 * come back without new arenas, and the statistics are the native AllocSet's
 * whether the blocks are new or reused. Each scenario runs on a thread of its
 * own, so it starts with an empty cache.
 */
class JavaAllocSetBlockReuseTest {

    /** Large values detoasted per batch: dedicated blocks of four size classes. */
    private static final long[] LARGE = {12_000, 30_000, 50_000, 65_536};

    /**
     * The per-tuple-batches shape (a reset per batch of 64 tuples, small chunks,
     * a doubling accumulator, a large value every 16 tuples): once the first
     * batches have been through, no batch creates an arena, and every op leaves
     * the native statistics.
     */
    @Test
    void perBatchResetsReuseBlocksInsteadOfCreatingArenas() throws Exception {
        onFreshThread(() -> {
            BlockCache cache = BlockCache.current();
            SplittableRandom random = new SplittableRandom(3);
            try (JavaAllocSet jset = new JavaAllocSet("java", AllocSetSizes.DEFAULT);
                    NativeMemoryContext nat = NativeMemoryContext.create("native", AllocSetSizes.DEFAULT)) {
                long cx = nat.address();
                long createdAfterWarmUp = 0;
                for (int batch = 0; batch < 40; batch++) {
                    if (batch == 5) {
                        createdAfterWarmUp = cache.arenasCreated();
                    }
                    long accumulator = 64;
                    long jAcc = jset.alloc(accumulator);
                    long nAcc = AllocSetNative.uncheckedAlloc(cx, accumulator);
                    for (int tuple = 0; tuple < 64; tuple++) {
                        long[] jChunks = new long[8];
                        long[] nChunks = new long[8];
                        for (int j = 0; j < 8; j++) {
                            long size = (long) Math.exp(random.nextDouble(Math.log(8), Math.log(1025)));
                            jChunks[j] = jset.alloc(size);
                            nChunks[j] = AllocSetNative.uncheckedAlloc(cx, size);
                            assertEquals(nat.stats(), jset.stats());
                        }
                        for (int j = 1; j < 8; j += 2) {
                            jset.free(jChunks[j]);
                            AllocSetNative.uncheckedFree(nChunks[j]);
                            assertEquals(nat.stats(), jset.stats());
                        }
                        if (tuple % 8 == 7) {
                            accumulator *= 2;
                            jAcc = jset.realloc(jAcc, accumulator);
                            nAcc = AllocSetNative.uncheckedRealloc(nAcc, accumulator);
                            assertEquals(nat.stats(), jset.stats());
                        }
                        if (tuple % 16 == 15) {
                            long size = LARGE[tuple / 16];
                            long j = jset.alloc(size);
                            long n = AllocSetNative.uncheckedAlloc(cx, size);
                            assertEquals(nat.stats(), jset.stats());
                            jset.free(j);
                            AllocSetNative.uncheckedFree(n);
                            assertEquals(nat.stats(), jset.stats());
                        }
                    }
                    jset.reset();
                    AllocSetNative.uncheckedReset(cx);
                    assertEquals(nat.stats(), jset.stats());
                    assertEquals(nat.memAllocated(false), jset.memAllocated());
                }
                assertTrue(createdAfterWarmUp > 0);
                assertEquals(createdAfterWarmUp, cache.arenasCreated(), "35 batches without a new arena");
                assertEquals(0, cache.arenasClosed(), "nothing closed: every freed block was kept");
            }
        });
    }

    /**
     * The same random sequence (resets, dedicated blocks, reallocs across
     * classes) on cold blocks and then on cached ones: the statistics after every
     * op are the same, and the native ones.
     */
    @Test
    void statisticsAreTheSameOnNewAndOnReusedBlocks() throws Exception {
        onFreshThread(() -> {
            BlockCache cache = BlockCache.current();
            List<MemoryContextCounters> cold = run(11);
            long createdCold = cache.arenasCreated();
            List<MemoryContextCounters> warm = run(11);
            long createdWarm = cache.arenasCreated() - createdCold;
            assertEquals(cold, warm);
            assertTrue(createdWarm * 4 < createdCold,
                    "the second run reuses blocks: " + createdWarm + " new arenas, against " + createdCold);
        });
    }

    private static List<MemoryContextCounters> run(long seed) {
        List<MemoryContextCounters> trace = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        long[] jPtr = new long[64];
        long[] nPtr = new long[64];
        try (JavaAllocSet jset = new JavaAllocSet("java", AllocSetSizes.DEFAULT);
                NativeMemoryContext nat = NativeMemoryContext.create("native", AllocSetSizes.DEFAULT)) {
            long cx = nat.address();
            for (int op = 0; op < 5000; op++) {
                int slot = random.nextInt(jPtr.length);
                long size = random.nextInt(8) == 0 ? random.nextLong(8193, 300_000) : random.nextLong(1, 4000);
                if (random.nextInt(500) == 0) {
                    jset.reset();
                    AllocSetNative.uncheckedReset(cx);
                    java.util.Arrays.fill(jPtr, 0);
                    java.util.Arrays.fill(nPtr, 0);
                } else if (jPtr[slot] == 0) {
                    jPtr[slot] = jset.alloc(size);
                    nPtr[slot] = AllocSetNative.uncheckedAlloc(cx, size);
                } else if (random.nextBoolean()) {
                    jset.free(jPtr[slot]);
                    AllocSetNative.uncheckedFree(nPtr[slot]);
                    jPtr[slot] = 0;
                    nPtr[slot] = 0;
                } else {
                    jPtr[slot] = jset.realloc(jPtr[slot], size);
                    nPtr[slot] = AllocSetNative.uncheckedRealloc(nPtr[slot], size);
                }
                MemoryContextCounters stats = jset.stats();
                assertEquals(nat.stats(), stats, "op " + op);
                trace.add(stats);
            }
        }
        return trace;
    }

    /**
     * The keeper holds the context struct's stand-in, which the set zeroes itself; the rest of a reused block
     * is left as it was (nothing reads a byte the set has not written).
     */
    @Test
    void aNewContextZeroesItsStructEvenOnAReusedBlock() throws Exception {
        onFreshThread(() -> {
            BlockCache cache = BlockCache.current();
            long keeper;
            try (JavaAllocSet first = new JavaAllocSet("Dirty", AllocSetSizes.DEFAULT)) {
                keeper = first.address();
                long chunk = first.alloc(4000); // class 4096: in the keeper
                // dirty all but the keeper's block header and the chunk header (200 .. 248)
                ALL.asSlice(keeper, 200).fill((byte) 0x5A);
                ALL.asSlice(keeper + 248, 8192 - 248).fill((byte) 0x5A);
                assertEquals(0x5A, ALL.get(ValueLayout.JAVA_BYTE, chunk));
            }
            long created = cache.arenasCreated();
            try (JavaAllocSet second = new JavaAllocSet("Clean", AllocSetSizes.DEFAULT)) {
                assertEquals(created, cache.arenasCreated(), "the keeper came from the cache");
                assertEquals(keeper, second.address(), "the most recently freed block of the class");
                assertEquals(-1, firstNonZero(keeper, 200), "first non-zero byte of the context struct");
                assertEquals(0x5A, ALL.get(ValueLayout.JAVA_BYTE, keeper + 248), "the rest is not zeroed");
                ArenaCounters.assertFreshDefault(second);
            }
        });
    }

    private static long firstNonZero(long address, long bytes) {
        for (long i = 0; i < bytes; i++) {
            if (ALL.get(ValueLayout.JAVA_BYTE, address + i) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** A dedicated block reallocated within its memory's class stays where it is, accounted at its new size. */
    @Test
    void dedicatedBlockStaysInPlaceWithinItsSizeClass() throws Exception {
        onFreshThread(() -> {
            try (JavaAllocSet set = new JavaAllocSet("InPlace", AllocSetSizes.DEFAULT)) {
                long large = set.alloc(10_000); // block 10048, memory 10 KiB (class 10240)
                fill(large, 10_000);
                long grown = set.realloc(large, 10_100); // block 10152: same class
                assertEquals(large, grown);
                assertFilled(grown, 10_000);
                assertCounters(set.stats(), 8192 + 10_152, 2, 7952, 0, 240 + 10_152);
                assertEquals(10_104, set.chunkCapacity(grown), "MAXALIGN(10100)");

                assertEquals(grown, set.realloc(grown, 9_000), "block 9048: still class 10240");
                assertCounters(set.stats(), 8192 + 9_048, 2, 7952, 0, 240 + 9_048);

                long shrunk = set.realloc(grown, 8_000); // block 8048: class 8192, moves
                assertNotEquals(grown, shrunk);
                assertFilled(shrunk, 8_000);
                assertCounters(set.stats(), 8192 + 8_048, 2, 7952, 0, 240 + 8_048);

                long moved = set.realloc(shrunk, 100_000); // block 100048: moves
                assertNotEquals(shrunk, moved);
                assertFilled(moved, 8_000);
                assertCounters(set.stats(), 8192 + 100_048, 2, 7952, 0, 240 + 100_048);
                set.free(moved);
                ArenaCounters.assertFreshDefault(set);
            }
        });
    }
}
