package org.allocbench.arena;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.allocbench.arena.ArenaCounters.assertFilled;
import static org.allocbench.arena.ArenaCounters.assertFreshDefault;
import static org.allocbench.arena.ArenaCounters.fill;
import static org.allocbench.arena.ArenaCounters.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.allocbench.nativecore.AddressSpace;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java AllocSet's statistics, with literal numbers worked out by hand
 * (the same numbers as the native tests in org.allocbench.nativecore: a chunk
 * costs its power-of-two capacity plus an 8-byte header, a block a 40-byte
 * header, the context struct 200 bytes).
 */
class JavaAllocSetAccountingTest {

    @Test
    void freshContextsMatchPostgres17() {
        try (JavaAllocSet set = new JavaAllocSet("Fresh", AllocSetSizes.DEFAULT)) {
            // keeper block = initBlockSize 8192; free = 8192 - 200 - 40 = 7952
            assertCounters(set.stats(), 8192, 1, 7952, 0, 240);
            assertEquals("8192 total in 1 blocks; 7952 free (0 chunks); 240 used", set.stats().toString());
            assertEquals(8192, set.memAllocated());
        }
        try (JavaAllocSet small = new JavaAllocSet("Small", AllocSetSizes.SMALL);
                JavaAllocSet startSmall = new JavaAllocSet("StartSmall", AllocSetSizes.START_SMALL);
                JavaAllocSet min = new JavaAllocSet("Min", 4096, 1024, 8 * 1024 * 1024)) {
            assertCounters(small.stats(), 1024, 1, 784, 0, 240);
            assertCounters(startSmall.stats(), 1024, 1, 784, 0, 240);
            // keeper = minContextSize 4096 instead of initBlockSize
            assertCounters(min.stats(), 4096, 1, 3856, 0, 240);
        }
    }

    @Test
    void chunkLimitFollowsMaxBlockSize() {
        long[][] cases = {{8192, 1024}, {16384, 2048}, {32768, 4096}, {65536, 8192}, {8 << 20, 8192}};
        for (long[] c : cases) {
            try (JavaAllocSet set = new JavaAllocSet("Limit", 0, 1024, c[0])) {
                assertEquals(c[1], set.allocChunkLimit(), "maxBlockSize " + c[0]);
            }
        }
    }

    @Test
    void sizeClassesArePowersOfTwoFrom8() {
        assertEquals(0, JavaAllocSet.sizeClass(0));
        assertEquals(0, JavaAllocSet.sizeClass(8));
        assertEquals(1, JavaAllocSet.sizeClass(9));
        assertEquals(4, JavaAllocSet.sizeClass(100));
        assertEquals(10, JavaAllocSet.sizeClass(8192));
        assertEquals(-1, JavaAllocSet.sizeClass(8193));
        assertEquals(-1, JavaAllocSet.sizeClass(-1));
    }

    @Test
    void chunkHeadersHaveThePg16BitLayout() {
        try (JavaAllocSet set = new JavaAllocSet("Layout", AllocSetSizes.DEFAULT)) {
            long first = set.alloc(100); // class 4 (128), right after the keeper's block header: offset 40
            assertEquals((40L << 34) | (4L << 4) | 3, header(first));
            long second = set.alloc(8); // class 0, after 40 + 136
            assertEquals((176L << 34) | 3, header(second));
            long large = set.alloc(10000); // dedicated: external bit, offset 40 from its own block
            assertEquals((40L << 34) | 8 | 3, header(large));
            assertEquals(10000, set.chunkCapacity(large));
            assertEquals(128, set.chunkCapacity(first));
            assertEquals(136, set.chunkSpace(first));
            assertEquals(header(first), set.chunkHeaderWord(first));
            // the block header's first word names the owning set
            long keeperBlock = first - 8 - 40;
            assertEquals(set.address(), AddressSpace.ALL.get(ValueLayout.JAVA_LONG, keeperBlock));
            assertEquals(set.address() + JavaAllocSet.CONTEXT_STRUCT_SIZE, keeperBlock);
        }
    }

    /**
     * 1024-byte chunks cost 1032. The keeper has 7952 free: 7 chunks (7224),
     * 728 left. The 8th needs a new block; first the 728 are carved:
     * 728-8=720 -> class 512 (520 used, 208 left); 200 -> 128 (136, 72 left);
     * 64 -> exactly 64 (72, 0 left). Then a block of initBlockSize 8192.
     */
    @Test
    void leftoverOfTheOldHeadBlockIsCarvedIntoFreelists() {
        try (JavaAllocSet set = new JavaAllocSet("Carve", AllocSetSizes.DEFAULT)) {
            for (int i = 0; i < 7; i++) {
                set.alloc(1024);
            }
            assertCounters(set.stats(), 8192, 1, 728, 0, 7464);

            set.alloc(1024);
            long[] afterFirstSwitch = {0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0};
            for (int index = 0; index < afterFirstSwitch.length; index++) {
                assertEquals(afterFirstSwitch[index], set.freelistLength(index), "freelist " + index);
            }
            // total 8192 + 8192; free = 8192-40-1032 = 7120 in the new block + 72+136+520 on freelists
            assertCounters(set.stats(), 16384, 2, 7848, 3, 8536);

            // 7 more fit the second block, leaving 928; the 15th switches again:
            // 920 -> 512 (520, 408 left); 400 -> 256 (264, 144 left); 136 -> 128 (136, 8 left); 8 stay.
            for (int i = 0; i < 7; i++) {
                set.alloc(1024);
            }
            assertEquals(1, set.freelistLength(3));
            assertEquals(2, set.freelistLength(4));
            assertEquals(1, set.freelistLength(5));
            assertEquals(2, set.freelistLength(6));
            // third block doubled to 16384
            assertCounters(set.stats(), 32768, 3, 16968, 6, 15800);
            assertEquals(32768, set.memAllocated());
        }
    }

    /** Sizes (0, 8 KB, 16 KB): chunk limit 2048; blocks 8192, 8192, 16384, then 16384 again (capped). */
    @Test
    void blockSizesDoubleUpToMaxBlockSize() {
        try (JavaAllocSet set = new JavaAllocSet("Grow", new AllocSetSizes(0, 8192, 16384))) {
            for (int i = 0; i < 14; i++) {
                set.alloc(2048);
            }
            assertCounters(set.stats(), 49152, 4, 20008, 14, 29144);
            long[] expected = {0, 2, 0, 1, 3, 2, 3, 3, 0, 0, 0};
            for (int index = 0; index < expected.length; index++) {
                assertEquals(expected[index], set.freelistLength(index), "freelist " + index);
            }
        }
    }

    @Test
    void freedSmallChunkGoesOnItsFreelistAndIsReusedFirst() {
        try (JavaAllocSet set = new JavaAllocSet("Free", AllocSetSizes.DEFAULT)) {
            long first = set.alloc(100); // class 128: costs 136
            assertCounters(set.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
            set.free(first);
            assertCounters(set.stats(), 8192, 1, 7952, 1, 240);
            assertEquals(1, set.freelistLength(4));
            long again = set.alloc(120); // same class: the freed chunk comes back
            assertEquals(first, again);
            assertCounters(set.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
        }
    }

    @Test
    void largeChunkHasADedicatedBlockLinkedSecondThatFreeReturns() {
        try (JavaAllocSet set = new JavaAllocSet("Large", AllocSetSizes.DEFAULT)) {
            long large = set.alloc(10000);
            // MAXALIGN(10000) + 40 + 8 = 10048, all used
            assertCounters(set.stats(), 8192 + 10048, 2, 7952, 0, 240 + 10048);
            assertEquals(8192 + 10048, set.memAllocated());
            long small = set.alloc(8); // still carved from the keeper (head) block
            assertCounters(set.stats(), 8192 + 10048, 2, 7952 - 16, 0, 240 + 10048 + 16);
            set.free(large);
            assertCounters(set.stats(), 8192, 1, 7952 - 16, 0, 240 + 16);
            set.free(small);
            assertCounters(set.stats(), 8192, 1, 7952, 1, 240);

            set.alloc(8193); // MAXALIGN(8193) = 8200; + 48 = 8248
            assertCounters(set.stats(), 8192 + 8248, 2, 7952, 1, 240 + 8248);
        }
    }

    @Test
    void growingOrShrinkingWithinTheCapacityStaysInPlace() {
        try (JavaAllocSet set = new JavaAllocSet("InPlace", AllocSetSizes.DEFAULT)) {
            long chunk = set.alloc(100);
            fill(chunk, 100);
            assertEquals(chunk, set.realloc(chunk, 128));
            assertEquals(chunk, set.realloc(chunk, 20));
            assertFilled(chunk, 20);
            assertCounters(set.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
        }
    }

    @Test
    void growingPastTheCapacityMovesAndFreesTheOldChunk() {
        try (JavaAllocSet set = new JavaAllocSet("Moved", AllocSetSizes.DEFAULT)) {
            long chunk = set.alloc(100);
            fill(chunk, 100);
            long moved = set.realloc(chunk, 129); // class 256: costs 264
            assertNotEquals(chunk, moved);
            assertFilled(moved, 100);
            assertCounters(set.stats(), 8192, 1, 7952 - 264, 1, 240 + 264);
        }
    }

    @Test
    void smallChunkOutgrowingTheLimitBecomesLarge() {
        try (JavaAllocSet set = new JavaAllocSet("ToLarge", AllocSetSizes.DEFAULT)) {
            long chunk = set.alloc(100);
            fill(chunk, 100);
            long large = set.realloc(chunk, 9000); // block 9000 + 48 = 9048
            assertFilled(large, 100);
            assertCounters(set.stats(), 8192 + 9048, 2, 7952, 1, 240 + 9048);
        }
    }

    @Test
    void largeChunkReallocsItsBlockAndStaysDedicatedEvenWhenSmall() {
        try (JavaAllocSet set = new JavaAllocSet("LargeRealloc", AllocSetSizes.DEFAULT)) {
            long first = set.alloc(20000); // a neighbour, so the reallocated block is in mid-list
            long large = set.alloc(10000);
            fill(large, 1000);
            long grown = set.realloc(large, 20000); // block 20048
            assertFilled(grown, 1000);
            assertCounters(set.stats(), 8192 + 20048 + 20048, 3, 7952, 0, 240 + 20048 + 20048);
            assertEquals(20000, set.chunkCapacity(grown));

            long shrunk = set.realloc(grown, 100); // block MAXALIGN(100) + 48 = 152, still its own
            assertFilled(shrunk, 100);
            assertEquals((40L << 34) | 8 | 3, header(shrunk));
            assertCounters(set.stats(), 8192 + 20048 + 152, 3, 7952, 0, 240 + 20048 + 152);
            assertEquals(shrunk, set.realloc(shrunk, 104), "same block size: the block stays");
            set.free(shrunk);
            set.free(first);
            assertFreshDefault(set);
        }
    }

    @Test
    void resetReturnsToTheFreshNumbersAndStartsGrowthOver() {
        try (JavaAllocSet set = new JavaAllocSet("Reset", AllocSetSizes.DEFAULT)) {
            SplittableRandom random = new SplittableRandom(1);
            long[] live = new long[64];
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 2000; i++) {
                    int slot = random.nextInt(live.length);
                    if (live[slot] == 0) {
                        live[slot] = set.alloc(random.nextInt(10) == 0 ? random.nextLong(8193, 100_000)
                                : random.nextLong(1, 2000));
                    } else if (random.nextBoolean()) {
                        set.free(live[slot]);
                        live[slot] = 0;
                    } else {
                        live[slot] = set.realloc(live[slot], random.nextLong(1, 30_000));
                    }
                }
                set.reset();
                java.util.Arrays.fill(live, 0);
                assertFreshDefault(set);
                assertEquals(8192, set.memAllocated());
                // growth starts over: the first new block is initBlockSize again
                for (int i = 0; i < 8; i++) {
                    set.alloc(1024);
                }
                assertCounters(set.stats(), 16384, 2, 7848, 3, 8536);
                set.reset();
            }
        }
    }

    @Test
    void allocZeroedZeroesMemoryThatWasUsedBefore() {
        try (JavaAllocSet set = new JavaAllocSet("Zero", AllocSetSizes.DEFAULT)) {
            long chunk = set.alloc(200);
            fill(chunk, 200);
            set.free(chunk);
            long again = set.allocZeroed(200);
            assertEquals(chunk, again);
            for (int i = 0; i < 200; i++) {
                assertEquals(0, AddressSpace.ALL.get(ValueLayout.JAVA_BYTE, again + i), "byte " + i);
            }
        }
    }
}
