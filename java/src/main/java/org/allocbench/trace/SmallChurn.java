package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * small-churn: chunks of 8..128 bytes (uniform) allocated and freed at random
 * over 2000 slots, so about 1000 are live at any time: the steady state of a
 * long-lived context that frees as it goes. Each op picks a slot at random
 * and frees it if full, fills it if empty.
 */
final class SmallChurn {

    static final int SLOTS = 2000;

    private SmallChurn() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] full = new boolean[SLOTS];
        OpSequence.Builder sequence = new OpSequence.Builder(Pattern.SMALL_CHURN.patternName(), SLOTS);
        for (int i = 0; i < ops; i++) {
            int slot = random.nextInt(SLOTS);
            if (full[slot]) {
                sequence.add(OpSequence.FREE, slot, 0);
            } else {
                sequence.add(OpSequence.ALLOC, slot, random.nextLong(8, 129));
            }
            full[slot] = !full[slot];
        }
        return sequence.build();
    }
}
