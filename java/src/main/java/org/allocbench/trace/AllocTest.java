package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * alloc-test: the shape of ithare's alloc-test as mimalloc-bench runs it, in
 * 8192 slots. Setup fills about half the slots; then each op picks a slot by
 * a six-level 80/20 rule (80% of picks go to the hottest fifth of the slots,
 * recursively) and frees it if full, fills it if empty. Sizes are 5..1024
 * bytes, Pareto-like: a power-of-two size class is half as likely as the one
 * below it, uniform within the class, so most chunks are small.
 */
final class AllocTest {

    static final int SLOTS = 8192;
    static final long MAX_SIZE = 1024;
    private static final int LEVELS = 6;
    /** Size classes (2^(k+2), 2^(k+3)] for k = 0..CLASSES-1: 5..8 up to 513..1024. */
    private static final int CLASSES = Long.numberOfTrailingZeros(MAX_SIZE) - 2;

    private AllocTest() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.ALLOC_TEST.patternName(), SLOTS, ops);
        for (int slot = 0; slot < SLOTS && !out.done(); slot++) {
            if (random.nextBoolean()) {
                out.alloc(slot, drawSize(random));
            }
        }
        while (!out.done()) {
            int slot = drawSlot(random);
            if (out.full(slot)) {
                out.free(slot);
            } else {
                out.alloc(slot, drawSize(random));
            }
        }
        return out.build();
    }

    /** Six times: with probability 0.8 narrow to the first fifth of the range, else to the rest. */
    private static int drawSlot(SplittableRandom random) {
        int low = 0;
        int length = SLOTS;
        for (int level = 0; level < LEVELS && length > 1; level++) {
            int hot = Math.max(1, length / 5);
            if (random.nextInt(5) < 4) {
                length = hot;
            } else {
                low += hot;
                length -= hot;
            }
        }
        return low + random.nextInt(length);
    }

    /** Class k with probability 2^-(k+1) (the last two share the remainder), uniform inside it. */
    private static long drawSize(SplittableRandom random) {
        int k = Integer.numberOfTrailingZeros(random.nextInt(1, (1 << (CLASSES - 1)) + 1));
        long base = 1L << (k + 2);
        return base + 1 + random.nextLong(base);
    }
}
