package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * sort-tuples: an in-memory sort. A run of 256..4096 tuples of log-uniform
 * 16..2048 bytes is allocated in input order, then every tuple is freed in
 * key order, which, the keys being random, is a random permutation of the
 * input order; then the next run.
 */
final class SortTuples {

    static final int MIN_TUPLES = 256;
    static final int MAX_TUPLES = 4096;
    static final long MIN_SIZE = 16;
    static final long MAX_SIZE = 2048;

    private SortTuples() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.SORT_TUPLES.patternName(), MAX_TUPLES, ops);
        int[] keyOrder = new int[MAX_TUPLES];
        while (!out.done()) {
            int tuples = random.nextInt(MIN_TUPLES, MAX_TUPLES + 1);
            for (int slot = 0; slot < tuples; slot++) {
                out.alloc(slot, Sizes.logUniform(random, MIN_SIZE, MAX_SIZE));
                keyOrder[slot] = slot;
            }
            for (int i = tuples - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int t = keyOrder[i];
                keyOrder[i] = keyOrder[j];
                keyOrder[j] = t;
            }
            for (int i = 0; i < tuples; i++) {
                out.free(keyOrder[i]);
            }
        }
        return out.build();
    }
}
