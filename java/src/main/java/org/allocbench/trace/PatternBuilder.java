package org.allocbench.trace;

import java.util.Arrays;

/**
 * What a pattern generator writes into: an {@link OpSequence.Builder} that
 * also tracks which slots are full and how many bytes are live, and refuses
 * an op the trace format forbids (an {@code a} into a full slot, an {@code r}
 * or {@code f} on an empty one), so a generator bug fails at generation, not
 * in a replay. {@link #done()} says when the requested count is reached;
 * {@link #build()} cuts the sequence at exactly that count (a prefix of a
 * valid trace is valid).
 */
final class PatternBuilder {

    private final OpSequence.Builder ops;
    private final int target;
    private final long[] sizes; // 0: the slot is empty
    private int live;
    private long liveBytes;

    PatternBuilder(String name, int slots, int target) {
        if (target < 0) {
            throw new IllegalArgumentException("ops must be at least 0, not " + target);
        }
        this.ops = new OpSequence.Builder(name, slots);
        this.target = target;
        this.sizes = new long[slots];
    }

    /** Whether the requested number of ops has been generated. */
    boolean done() {
        return ops.size() >= target;
    }

    int slots() {
        return sizes.length;
    }

    boolean full(int slot) {
        return sizes[slot] != 0;
    }

    /** The size of the chunk in a full slot. */
    long size(int slot) {
        return sizes[slot];
    }

    /** Chunks live now. */
    int live() {
        return live;
    }

    /** Bytes live now (requested sizes). */
    long liveBytes() {
        return liveBytes;
    }

    void alloc(int slot, long size) {
        allocate(OpSequence.ALLOC, slot, size);
    }

    void allocZeroed(int slot, long size) {
        allocate(OpSequence.ALLOC_ZEROED, slot, size);
    }

    void realloc(int slot, long size) {
        requireFull(slot, "r");
        ops.add(OpSequence.REALLOC, slot, size);
        liveBytes += size - sizes[slot];
        sizes[slot] = size;
    }

    void free(int slot) {
        requireFull(slot, "f");
        ops.add(OpSequence.FREE, slot, 0);
        liveBytes -= sizes[slot];
        sizes[slot] = 0;
        live--;
    }

    /** The context reset: every slot becomes empty. */
    void reset() {
        ops.add(OpSequence.RESET, 0, 0);
        Arrays.fill(sizes, 0);
        live = 0;
        liveBytes = 0;
    }

    /** Exactly the requested number of ops (the generator must have reached {@link #done()}). */
    OpSequence build() {
        if (!done()) {
            throw new IllegalStateException("generated " + ops.size() + " ops of " + target);
        }
        return ops.build(target);
    }

    private void allocate(byte kind, int slot, long size) {
        if (size < 1) {
            throw new IllegalStateException("size " + size + " into slot " + slot);
        }
        if (full(slot)) {
            throw new IllegalStateException("allocation into full slot " + slot);
        }
        ops.add(kind, slot, size);
        sizes[slot] = size;
        liveBytes += size;
        live++;
    }

    private void requireFull(int slot, String op) {
        if (!full(slot)) {
            throw new IllegalStateException(op + " on empty slot " + slot);
        }
    }
}
