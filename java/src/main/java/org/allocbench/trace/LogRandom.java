package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * logrand: chunks of log-uniform size 8..8192 bytes (every size class of
 * AllocSet's freelists equally likely) allocated and freed at random over
 * 2000 slots, about 1000 live: each op picks a slot at random and frees it
 * if full, fills it if empty.
 */
final class LogRandom {

    static final int SLOTS = 2000;
    static final long MIN_SIZE = 8;
    static final long MAX_SIZE = 8192;

    private LogRandom() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.LOGRAND.patternName(), SLOTS, ops);
        while (!out.done()) {
            int slot = random.nextInt(SLOTS);
            if (out.full(slot)) {
                out.free(slot);
            } else {
                out.alloc(slot, Sizes.logUniform(random, MIN_SIZE, MAX_SIZE));
            }
        }
        return out.build();
    }
}
