package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * fifo and lifo: a window of 16..2048 chunks (log-uniform 8..1024 bytes) is
 * allocated, then all of it is freed, oldest first (a queue: fifo) or newest
 * first (a stack: lifo); then the next window.
 */
final class WindowQueue {

    static final int MIN_WINDOW = 16;
    static final int MAX_WINDOW = 2048;
    static final long MIN_SIZE = 8;
    static final long MAX_SIZE = 1024;

    private WindowQueue() {
    }

    static OpSequence fifo(int ops, long seed) {
        return generate(Pattern.FIFO.patternName(), true, ops, seed);
    }

    static OpSequence lifo(int ops, long seed) {
        return generate(Pattern.LIFO.patternName(), false, ops, seed);
    }

    private static OpSequence generate(String name, boolean oldestFirst, int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(name, MAX_WINDOW, ops);
        while (!out.done()) {
            int window = random.nextInt(MIN_WINDOW, MAX_WINDOW + 1);
            for (int slot = 0; slot < window; slot++) {
                out.alloc(slot, Sizes.logUniform(random, MIN_SIZE, MAX_SIZE));
            }
            for (int i = 0; i < window; i++) {
                out.free(oldestFirst ? i : window - 1 - i);
            }
        }
        return out.build();
    }
}
