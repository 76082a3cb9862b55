package org.allocbench.replay;

import java.util.Arrays;

/** A growable list of ints (no boxing). */
final class IntList {
    private int[] items = new int[16];
    private int size;

    void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = value;
    }

    int size() {
        return size;
    }

    int removeLast() {
        return items[--size];
    }

    void clear() {
        size = 0;
    }

    /** Reverses items[from .. size). */
    void reverse(int from) {
        for (int a = from, b = size - 1; a < b; a++, b--) {
            int x = items[a];
            items[a] = items[b];
            items[b] = x;
        }
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
