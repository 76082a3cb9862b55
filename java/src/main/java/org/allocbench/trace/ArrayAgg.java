package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * array-agg: the state of array_agg() over one group. A buffer in slot 0
 * starts at 256 bytes and is doubled by realloc until it reaches the group's
 * final size (a power of two, 1 KiB..4 MiB, each equally likely); before
 * every doubling and after the last, 4..32 element copies (log-uniform 8..128
 * bytes) are allocated and kept. The group ends with a reset of the
 * aggregate context, and the next group starts a new buffer.
 */
final class ArrayAgg {

    static final int BUFFER_SLOT = 0;
    static final long INITIAL_BUFFER = 256;
    static final int MIN_FINAL_LOG2 = 10; // 1 KiB
    static final int MAX_FINAL_LOG2 = 22; // 4 MiB
    static final int MIN_ELEMENTS = 4;
    static final int MAX_ELEMENTS = 32;
    static final long MIN_ELEMENT = 8;
    static final long MAX_ELEMENT = 128;
    /** Element copies per group at most: one run of elements per doubling, and one after the last. */
    static final int SLOTS = 1 + MAX_ELEMENTS * (MAX_FINAL_LOG2 - Long.numberOfTrailingZeros(INITIAL_BUFFER) + 1);

    private ArrayAgg() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.ARRAY_AGG.patternName(), SLOTS, ops);
        while (!out.done()) {
            long finalSize = 1L << random.nextInt(MIN_FINAL_LOG2, MAX_FINAL_LOG2 + 1);
            long buffer = INITIAL_BUFFER;
            out.alloc(BUFFER_SLOT, buffer);
            int next = BUFFER_SLOT + 1;
            while (true) {
                int elements = random.nextInt(MIN_ELEMENTS, MAX_ELEMENTS + 1);
                for (int i = 0; i < elements; i++) {
                    out.alloc(next++, Sizes.logUniform(random, MIN_ELEMENT, MAX_ELEMENT));
                }
                if (buffer >= finalSize) {
                    break;
                }
                buffer *= 2;
                out.realloc(BUFFER_SLOT, buffer);
            }
            out.reset();
        }
        return out.build();
    }
}
