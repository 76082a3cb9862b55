package org.allocbench.trace;

/**
 * Which slots of a trace are full, as a bitmap (2 MiB at the format's most
 * slots) whose reset costs time in proportion to the words filled since the
 * previous reset, not to the slot count: a hostile or merely unusual trace of
 * 2^24 slots and a reset every few ops stays linear.
 */
final class TraceSlots {

    private final long[] full;
    /** Words of {@link #full} that may be non-zero since the last reset, each listed once. */
    private final int[] dirtyWords;
    private int dirtyCount;
    /** Bit per word of {@link #full}: listed in {@link #dirtyWords}. */
    private final long[] listed;

    TraceSlots(int slots) {
        full = new long[(slots + 63) >>> 6];
        dirtyWords = new int[full.length];
        listed = new long[(full.length + 63) >>> 6];
    }

    boolean isFull(int slot) {
        return (full[slot >>> 6] & (1L << slot)) != 0;
    }

    void fill(int slot) {
        int word = slot >>> 6;
        if (full[word] == 0) {
            long bit = 1L << word;
            if ((listed[word >>> 6] & bit) == 0) {
                listed[word >>> 6] |= bit;
                dirtyWords[dirtyCount++] = word;
            }
        }
        full[word] |= 1L << slot;
    }

    void empty(int slot) {
        full[slot >>> 6] &= ~(1L << slot);
    }

    /** Empties every slot. */
    void reset() {
        for (int i = 0; i < dirtyCount; i++) {
            int word = dirtyWords[i];
            full[word] = 0;
            listed[word >>> 6] = 0;
        }
        dirtyCount = 0;
    }
}
