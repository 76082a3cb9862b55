package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * malloc-large: the shape of mimalloc-bench's malloc-large. Each step picks
 * one of 20 buffers at random and replaces it with a new allocation of
 * uniform 5..25 MiB (the old one freed first, so never more than 20 live).
 * Up to about 500 MiB is live by the sizes; a replay touches only the first
 * and last byte of each, so little of it becomes resident. Each chunk is a
 * dedicated block in AllocSet.
 */
final class MallocLarge {

    static final int SLOTS = 20;
    static final long MIN_SIZE = 5L << 20;
    static final long MAX_SIZE = 25L << 20;

    private MallocLarge() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.MALLOC_LARGE.patternName(), SLOTS, ops);
        while (!out.done()) {
            int slot = random.nextInt(SLOTS);
            long size = Sizes.uniform(random, MIN_SIZE, MAX_SIZE);
            if (out.full(slot)) {
                out.free(slot);
            }
            out.alloc(slot, size);
        }
        return out.build();
    }
}
