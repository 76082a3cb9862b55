package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each pattern does what its description says, checked loosely by
 * statistics over a few seeds (bounds several standard deviations wide, so
 * they hold for any seed, not just these).
 */
class PatternShapeTest {

    private static final long[] SEEDS = {1, 42, 2024};

    private static boolean isAlloc(byte kind) {
        return kind == OpSequence.ALLOC || kind == OpSequence.ALLOC_ZEROED;
    }

    /** Sizes of every allocation (a and z), in order. */
    private static long[] allocationSizes(OpSequence ops) {
        long[] sizes = new long[ops.length()];
        int n = 0;
        for (int i = 0; i < ops.length(); i++) {
            if (isAlloc(ops.kind(i))) {
                sizes[n++] = ops.size(i);
            }
        }
        return Arrays.copyOf(sizes, n);
    }

    private static double fraction(long[] values, java.util.function.LongPredicate p) {
        return Arrays.stream(values).filter(p).count() / (double) values.length;
    }

    private static void assertBetween(double low, double high, double actual, String what) {
        assertTrue(actual >= low && actual <= high, what + ": " + actual + " not in " + low + ".." + high);
    }

    /** After a warm-up, the live count stays in a band. */
    private static void assertSteadyLive(Pattern p, int warmup, int low, int high) {
        for (long seed : SEEDS) {
            PatternSimulation.run(p.generate(100_000, seed), (i, kind, slot, size, state) -> {
                if (i >= warmup) {
                    assertBetween(low, high, state.live(), p + " seed " + seed + " live at op " + i);
                }
            });
        }
    }

    @Test
    void smallChurnKeepsAbout1000SmallChunksLive() {
        assertSteadyLive(Pattern.SMALL_CHURN, 3_000, 800, 1200);
        long[] sizes = allocationSizes(Pattern.SMALL_CHURN.generate(20_000, 1));
        assertEquals(8, Arrays.stream(sizes).min().orElseThrow());
        assertEquals(128, Arrays.stream(sizes).max().orElseThrow());
    }

    @Test
    void lograndIsLogUniformOver8To8192WithRandomFrees() {
        assertSteadyLive(Pattern.LOGRAND, 3_000, 800, 1200);
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.LOGRAND.generate(40_000, seed);
            long[] sizes = allocationSizes(ops);
            assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 8 && s <= 8192), "sizes within 8..8192");
            // ten doublings from 8 to 8192, each about a tenth of the allocations
            for (int octave = 0; octave < 10; octave++) {
                long from = 8L << octave;
                long to = from * 2;
                assertBetween(0.08, 0.12, fraction(sizes, s -> s >= from && s < to), "share of " + from + ".." + to);
            }
            assertBetween(0.4, 0.6, ops.count(OpSequence.FREE) / (double) ops.length(), "share of frees");
        }
    }

    @Test
    void perTupleResetAllocatesSmallBatchesThenResets() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.PER_TUPLE_RESET.generate(50_000, seed);
            assertEquals(0, ops.count(OpSequence.FREE) + ops.count(OpSequence.REALLOC), "no frees, no reallocs");
            long[] sizes = allocationSizes(ops);
            assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 8 && s <= 256), "small sizes");
            List<Integer> batches = new ArrayList<>();
            int batch = 0;
            for (int i = 0; i < ops.length(); i++) {
                if (ops.kind(i) == OpSequence.RESET) {
                    batches.add(batch);
                    batch = 0;
                } else {
                    assertEquals(batch, ops.slot(i), "a batch fills slots in order");
                    batch++;
                }
            }
            assertTrue(batches.size() > 100, "resets: " + batches.size());
            assertTrue(batches.stream().allMatch(b -> b >= 16 && b <= 256), "batch sizes 16..256: " + batches);
        }
    }

    @Test
    void arrayAggDoublesOneBufferWithSmallAllocationsBetween() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.ARRAY_AGG.generate(100_000, seed);
            long[] buffer = {0};
            int[] elementsSinceGrowth = {0};
            int[] largeBuffers = {0};
            PatternSimulation.run(ops, (i, kind, slot, size, state) -> {
                switch (kind) {
                    case OpSequence.REALLOC -> {
                        assertEquals(0, slot, "only the buffer is resized");
                        assertEquals(2 * state.size(0), size, "op " + i + " doubles the buffer");
                        assertTrue(size <= 4 << 20, "the buffer stays within 4 MiB");
                        assertTrue(elementsSinceGrowth[0] >= 4, "small allocations between doublings");
                        elementsSinceGrowth[0] = 0;
                        buffer[0] = size;
                        if (size > 8192) {
                            largeBuffers[0]++;
                        }
                    }
                    case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> {
                        if (slot == 0) {
                            assertEquals(256, size, "a group's buffer starts at 256 bytes");
                        } else {
                            assertTrue(size >= 8 && size <= 128, "element copies are small: " + size);
                            elementsSinceGrowth[0]++;
                        }
                    }
                    case OpSequence.RESET -> elementsSinceGrowth[0] = 0;
                    default -> throw new AssertionError("array-agg frees nothing individually: op " + i);
                }
            });
            assertTrue(ops.count(OpSequence.REALLOC) > 1000, "reallocs: " + ops.count(OpSequence.REALLOC));
            assertTrue(largeBuffers[0] > 100, "buffers grown past the chunk limit: " + largeBuffers[0]);
            assertTrue(ops.count(OpSequence.RESET) > 100, "groups: " + ops.count(OpSequence.RESET));
        }
    }

    @Test
    void largeChunksHasAFifthAboveTheChunkLimitAndBoundedLiveBytes() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.LARGE_CHUNKS.generate(20_000, seed);
            long[] sizes = allocationSizes(ops);
            assertBetween(0.15, 0.25, fraction(sizes, s -> s > 8192), "share above 8192");
            assertTrue(Arrays.stream(sizes).max().orElseThrow() <= 4 << 20, "at most 4 MiB");
            assertTrue(Arrays.stream(sizes).max().orElseThrow() > 1 << 20, "some MiB-sized chunks");
            assertTrue(Arrays.stream(sizes).min().orElseThrow() < 64, "some small chunks");
            PatternSimulation run = PatternSimulation.run(ops);
            assertTrue(run.peakLiveBytes() <= 64L << 20, "peak live bytes " + run.peakLiveBytes());
            assertBetween(0.4, 0.6, ops.count(OpSequence.FREE) / (double) ops.length(), "share of frees");
        }
    }

    @Test
    void catcacheHasManyLongLivedSmallChunksAndRareFrees() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.CATCACHE.generate(100_000, seed);
            long[] sizes = allocationSizes(ops);
            assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 32 && s <= 1024), "small entries");
            assertBetween(0.02, 0.045, ops.count(OpSequence.FREE) / (double) ops.length(), "share of frees");
            assertBetween(0.2, 0.3, ops.count(OpSequence.ALLOC_ZEROED) / (double) sizes.length, "share zeroed");
            PatternSimulation run = PatternSimulation.run(ops);
            assertEquals(16384, run.peakLive(), "fills up to its cap");
            assertTrue(ops.count(OpSequence.RESET) >= 1, "a full cache is reset");
            // an entry added after an invalidation takes the slot just freed
            int reused = 0;
            for (int i = 0; i + 1 < ops.length(); i++) {
                if (ops.kind(i) == OpSequence.FREE && isAlloc(ops.kind(i + 1))) {
                    assertEquals(ops.slot(i), ops.slot(i + 1), "op " + (i + 1) + " reuses the freed slot");
                    reused++;
                }
            }
            assertTrue(reused > 1000, "reuses: " + reused);
        }
    }

    @Test
    void sortTuplesFillsThenFreesInKeyOrder() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.SORT_TUPLES.generate(100_000, seed);
            assertEquals(0, ops.count(OpSequence.REALLOC) + ops.count(OpSequence.RESET));
            assertTrue(Arrays.stream(allocationSizes(ops)).allMatch(s -> s >= 16 && s <= 2048), "tuple sizes");
            int i = 0;
            int runs = 0;
            while (true) {
                int filled = 0;
                while (i < ops.length() && isAlloc(ops.kind(i))) {
                    assertEquals(filled++, ops.slot(i++), "a run fills slots in input order");
                }
                boolean[] freed = new boolean[filled];
                int frees = 0;
                int inInputOrder = 0;
                while (i < ops.length() && ops.kind(i) == OpSequence.FREE) {
                    int slot = ops.slot(i++);
                    freed[slot] = true;
                    if (slot == frees) {
                        inInputOrder++;
                    }
                    frees++;
                }
                if (i == ops.length()) {
                    break; // the last run, cut short
                }
                assertEquals(filled, frees, "every tuple of the run is freed before the next run");
                assertTrue(filled >= 256 && filled <= 4096, "run of " + filled);
                for (boolean f : freed) {
                    assertTrue(f, "the frees are a permutation of the run");
                }
                assertTrue(inInputOrder < filled / 10, "freed in key order, not input order: " + inInputOrder);
                runs++;
            }
            assertTrue(runs > 10, "runs: " + runs);
        }
    }

    @Test
    void fifoFreesTheOldestLiveChunk() {
        assertWindowOrder(Pattern.FIFO, true);
    }

    @Test
    void lifoFreesTheNewestLiveChunk() {
        assertWindowOrder(Pattern.LIFO, false);
    }

    private static void assertWindowOrder(Pattern p, boolean oldestFirst) {
        for (long seed : SEEDS) {
            OpSequence ops = p.generate(100_000, seed);
            ArrayDeque<Integer> live = new ArrayDeque<>();
            int peak = 0;
            for (int i = 0; i < ops.length(); i++) {
                switch (ops.kind(i)) {
                    case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> live.addLast(ops.slot(i));
                    case OpSequence.FREE -> assertEquals(oldestFirst ? live.pollFirst() : live.pollLast(), ops.slot(i),
                            p + " op " + i + " frees the " + (oldestFirst ? "oldest" : "newest") + " live chunk");
                    default -> throw new AssertionError(p + " op " + i + ": only allocations and frees");
                }
                peak = Math.max(peak, live.size());
            }
            assertTrue(peak > 1000 && peak <= 2048, p + " window peak " + peak);
            assertTrue(Arrays.stream(allocationSizes(ops)).allMatch(s -> s >= 8 && s <= 1024), "sizes");
        }
    }

    @Test
    void glibcSimpleFreesSameSizeBatchesAlternatelyFifoAndLifo() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.GLIBC_SIMPLE.generate(1_000_000, seed);
            int i = 0;
            int fifo = 0;
            int lifo = 0;
            boolean expectFifo = true;
            int[] perCount = new int[4];
            while (true) {
                int start = i;
                while (i < ops.length() && isAlloc(ops.kind(i))) {
                    assertEquals(i - start, ops.slot(i), "a batch fills slots in order");
                    assertEquals(ops.size(start), ops.size(i), "one size per batch");
                    i++;
                }
                int batch = i - start;
                int freeStart = i;
                while (i < ops.length() && ops.kind(i) == OpSequence.FREE) {
                    int k = i - freeStart;
                    assertEquals(expectFifo ? k : batch - 1 - k, ops.slot(i),
                            "op " + i + " frees " + (expectFifo ? "oldest" : "newest") + " first");
                    i++;
                }
                if (i == ops.length()) {
                    break;
                }
                assertEquals(batch, i - freeStart, "the whole batch is freed");
                int which = Arrays.binarySearch(GlibcSimple.BATCHES, batch);
                assertTrue(which >= 0, "batch of " + batch);
                perCount[which] += batch;
                assertTrue(Arrays.binarySearch(GlibcSimple.SIZES, ops.size(start)) >= 0, "size " + ops.size(start));
                if (expectFifo) {
                    fifo++;
                } else {
                    lifo++;
                }
                expectFifo = !expectFifo;
            }
            assertTrue(Math.abs(fifo - lifo) <= 1 && fifo > 50, "fifo " + fifo + ", lifo " + lifo);
            // each batch count gets a comparable share of the allocations, as in the original
            for (int allocations : perCount) {
                assertBetween(0.12, 0.38, allocations / (double) Arrays.stream(perCount).sum(), "allocation share");
            }
        }
    }

    @Test
    void allocTestSizesAreAtMost1KiBAndSkewedSmall() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.ALLOC_TEST.generate(100_000, seed);
            long[] sizes = allocationSizes(ops);
            assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 5 && s <= 1024), "sizes 5..1024");
            assertTrue(Arrays.stream(sizes).anyMatch(s -> s > 512), "the largest class occurs");
            assertBetween(0.45, 0.55, fraction(sizes, s -> s <= 8), "class 5..8");
            assertBetween(0.9, 0.97, fraction(sizes, s -> s <= 64), "at most 64 bytes");
            // after the setup that fills about half the slots, 80% of the picks hit the first fifth
            int setupEnd = 0;
            while (ops.slot(setupEnd + 1) > ops.slot(setupEnd)) {
                setupEnd++;
            }
            assertBetween(3600, 4600, setupEnd + 1, "setup allocations");
            int hot = 0;
            for (int i = setupEnd + 1; i < ops.length(); i++) {
                if (ops.slot(i) < AllocTest.SLOTS / 5) {
                    hot++;
                }
            }
            assertBetween(0.75, 0.85, hot / (double) (ops.length() - setupEnd - 1), "share on the hottest fifth");
        }
    }

    @Test
    void mallocLargeHasAtMost20LiveOf5To25MiB() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.MALLOC_LARGE.generate(5_000, seed);
            long[] sizes = allocationSizes(ops);
            assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 5L << 20 && s <= 25L << 20), "sizes 5..25 MiB");
            assertTrue(Arrays.stream(sizes).min().orElseThrow() < 6L << 20, "spread over the range");
            assertTrue(Arrays.stream(sizes).max().orElseThrow() > 24L << 20, "spread over the range");
            PatternSimulation run = PatternSimulation.run(ops, (i, kind, slot, size, state) -> {
                if (kind == OpSequence.FREE && i + 1 < ops.length()) {
                    assertTrue(isAlloc(ops.kind(i + 1)) && ops.slot(i + 1) == slot, "a free is a replacement");
                }
            });
            assertEquals(20, run.peakLive(), "20 buffers");
            assertEquals(20, ops.slots());
        }
    }

    /**
     * change-queue: every allocation is one change record of 104 bytes (an a, never z or r), and every f frees a
     * slot an a filled and no f since: changes are freed, never a chunk twice or one never allocated.
     */
    @Test
    void changeQueueAllocatesOneSizeAndFreesOnlyWhatItAllocated() {
        for (long seed : SEEDS) {
            OpSequence ops = Pattern.CHANGE_QUEUE.generate(50_000, seed);
            boolean[] live = new boolean[ops.slots()];
            int frees = 0;
            for (int i = 0; i < ops.length(); i++) {
                byte kind = ops.kind(i);
                int slot = ops.slot(i);
                if (kind == OpSequence.ALLOC) {
                    assertEquals(104, ops.size(i), "seed " + seed + " op " + i);
                    assertTrue(!live[slot], "seed " + seed + " op " + i + " allocates into live slot " + slot);
                    live[slot] = true;
                } else {
                    assertEquals(OpSequence.FREE, kind, "seed " + seed + " op " + i + ": only a and f");
                    assertTrue(live[slot], "seed " + seed + " op " + i + " frees slot " + slot
                            + ", which holds no chunk");
                    live[slot] = false;
                    frees++;
                }
            }
            assertTrue(frees > 0, "seed " + seed + ": transactions end");
        }
    }
}
