package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * glibc-simple: the shape of glibc's bench-malloc-simple as mimalloc-bench
 * runs it. A batch of 25, 100, 400 or 1600 chunks, all of one size (16, 32
 * or 64 bytes), is allocated and then freed; batches alternate between
 * freeing oldest first and newest first. As in the original, where each
 * batch count runs the same total number of allocations, a batch's count is
 * drawn with probability inversely proportional to it.
 */
final class GlibcSimple {

    static final int[] BATCHES = {25, 100, 400, 1600};
    static final long[] SIZES = {16, 32, 64};
    /** Weights of {@link #BATCHES}, inversely proportional to the count: 64:16:4:1. */
    private static final int[] WEIGHTS = {64, 16, 4, 1};
    private static final int TOTAL_WEIGHT = 85;

    private GlibcSimple() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.GLIBC_SIMPLE.patternName(), BATCHES[BATCHES.length - 1], ops);
        boolean oldestFirst = true;
        while (!out.done()) {
            int batch = drawBatch(random);
            long size = SIZES[random.nextInt(SIZES.length)];
            for (int slot = 0; slot < batch; slot++) {
                out.alloc(slot, size);
            }
            for (int i = 0; i < batch; i++) {
                out.free(oldestFirst ? i : batch - 1 - i);
            }
            oldestFirst = !oldestFirst;
        }
        return out.build();
    }

    private static int drawBatch(SplittableRandom random) {
        int r = random.nextInt(TOTAL_WEIGHT);
        for (int i = 0; i < WEIGHTS.length; i++) {
            r -= WEIGHTS[i];
            if (r < 0) {
                return BATCHES[i];
            }
        }
        throw new AssertionError("weights do not add up to " + TOTAL_WEIGHT);
    }
}
