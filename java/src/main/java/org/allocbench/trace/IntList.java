package org.allocbench.trace;

import java.util.Arrays;

/** A growable list of ints (no boxing); the trace state and the replay plans use it. */
public final class IntList {
    private int[] items = new int[16];
    private int size;

    public void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = value;
    }

    public int size() {
        return size;
    }

    public int get(int index) {
        return items[index];
    }

    public int removeLast() {
        return items[--size];
    }

    public void clear() {
        size = 0;
    }

    /** Reverses items[from .. size). */
    public void reverse(int from) {
        for (int a = from, b = size - 1; a < b; a++, b--) {
            int x = items[a];
            items[a] = items[b];
            items[b] = x;
        }
    }

    public int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
