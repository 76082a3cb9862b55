package org.allocbench.capture;

/**
 * The live pointers of a recording and the trace slot each one sits in: an open-addressing hash map from
 * a non-zero address to an int, linear probing with backward-shift deletion (no tombstones, so a program
 * that churns billions of chunks through a few thousand live ones keeps the table small). No boxing: the
 * converter looks a pointer up for nearly every record.
 */
final class PointerSlots {

    /** What {@link #get} and {@link #remove} return for a pointer that is not live. */
    static final int ABSENT = -1;

    private long[] keys = new long[1024];
    private int[] values = new int[1024];
    private int size;
    private int mask = 1023;

    int size() {
        return size;
    }

    private static int hash(long pointer) {
        long h = pointer * 0x9E3779B97F4A7C15L; // addresses are aligned: mix the low zero bits away
        return (int) (h ^ (h >>> 32));
    }

    int get(long pointer) {
        for (int i = hash(pointer) & mask; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == pointer) {
                return values[i];
            }
        }
        return ABSENT;
    }

    /** Maps a pointer (non-zero) to a slot; returns the slot it had, or ABSENT. */
    int put(long pointer, int slot) {
        if (pointer == 0) {
            throw new IllegalArgumentException("the null pointer has no slot");
        }
        int i = hash(pointer) & mask;
        for (; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == pointer) {
                int old = values[i];
                values[i] = slot;
                return old;
            }
        }
        keys[i] = pointer;
        values[i] = slot;
        if (++size > keys.length / 2) {
            grow();
        }
        return ABSENT;
    }

    /** Removes a pointer; returns its slot, or ABSENT if it was not live. */
    int remove(long pointer) {
        int i = hash(pointer) & mask;
        for (; keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == pointer) {
                int old = values[i];
                shiftBack(i);
                size--;
                return old;
            }
        }
        return ABSENT;
    }

    /** Closes the gap at {@code hole}: moves back every later entry of the run that may sit there. */
    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (keys[i] == 0) {
                keys[hole] = 0;
                return;
            }
            int home = hash(keys[i]) & mask;
            // the entry at i may move to hole if its home is not cyclically within (hole, i]
            boolean stays = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!stays) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = hash(oldKeys[j]) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }
}
