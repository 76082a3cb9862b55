package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * The full and empty slots of a generator that frees at random: a full slot
 * picked uniformly in O(1), and the most recently emptied slot reused first
 * (as a caller reuses the pointer variable it just freed).
 */
final class SlotPool {

    private final int[] order; // order[0, live) are full, order[live, n) empty
    private final int[] position; // position[slot]: index of the slot in order
    private int live;

    SlotPool(int slots) {
        order = new int[slots];
        position = new int[slots];
        for (int i = 0; i < slots; i++) {
            order[i] = i;
            position[i] = i;
        }
    }

    int live() {
        return live;
    }

    boolean hasEmpty() {
        return live < order.length;
    }

    /**
     * Marks an empty slot full and returns it: the one {@link #release}d last
     * when the previous take was not a {@link #takeSlot}; in a fresh pool the
     * lowest slot.
     */
    int take() {
        if (!hasEmpty()) {
            throw new IllegalStateException("every slot is full");
        }
        return order[live++];
    }

    /** Marks a given empty slot full. */
    void takeSlot(int slot) {
        int at = position[slot];
        if (at < live) {
            throw new IllegalStateException("slot " + slot + " is already full");
        }
        swap(at, live++);
    }

    /** A full slot, uniformly at random. */
    int randomLive(SplittableRandom random) {
        if (live == 0) {
            throw new IllegalStateException("no slot is full");
        }
        return order[random.nextInt(live)];
    }

    /** Marks a full slot empty. */
    void release(int slot) {
        int at = position[slot];
        if (at >= live) {
            throw new IllegalStateException("slot " + slot + " is not full");
        }
        swap(at, --live);
    }

    /** After a reset: every slot empty. */
    void clear() {
        live = 0;
    }

    private void swap(int i, int j) {
        int a = order[i];
        int b = order[j];
        order[i] = b;
        position[b] = i;
        order[j] = a;
        position[a] = j;
    }
}
