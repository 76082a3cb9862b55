package org.allocbench.trace;

/**
 * A sequence of memory-context operations held compactly: one byte of kind,
 * one int of slot and one long of size per op, in parallel arrays, so that a
 * replay loop of millions of ops touches no Java objects. The kinds mirror the
 * trace format's ops (shared/trace-format.md).
 */
public final class OpSequence {

    public static final byte ALLOC = 'a';
    public static final byte ALLOC_ZEROED = 'z';
    public static final byte REALLOC = 'r';
    public static final byte FREE = 'f';
    public static final byte RESET = 'R';

    private final String name;
    private final int slots;
    private final byte[] kinds;
    private final int[] slotOf;
    private final long[] sizes;

    OpSequence(String name, int slots, byte[] kinds, int[] slotOf, long[] sizes) {
        this.name = name;
        this.slots = slots;
        this.kinds = kinds;
        this.slotOf = slotOf;
        this.sizes = sizes;
    }

    public String name() {
        return name;
    }

    /** Pointer slots a replay needs. */
    public int slots() {
        return slots;
    }

    public int length() {
        return kinds.length;
    }

    public byte kind(int i) {
        return kinds[i];
    }

    public int slot(int i) {
        return slotOf[i];
    }

    public long size(int i) {
        return sizes[i];
    }

    /** How many ops of a kind the sequence has. */
    public long count(byte kind) {
        long n = 0;
        for (byte k : kinds) {
            if (k == kind) {
                n++;
            }
        }
        return n;
    }

    /** Appends ops; grows by doubling. */
    static final class Builder {
        private final String name;
        private final int slots;
        private byte[] kinds = new byte[1024];
        private int[] slotOf = new int[1024];
        private long[] sizes = new long[1024];
        private int n;

        Builder(String name, int slots) {
            this.name = name;
            this.slots = slots;
        }

        Builder add(byte kind, int slot, long size) {
            if (n == kinds.length) {
                kinds = java.util.Arrays.copyOf(kinds, n * 2);
                slotOf = java.util.Arrays.copyOf(slotOf, n * 2);
                sizes = java.util.Arrays.copyOf(sizes, n * 2);
            }
            kinds[n] = kind;
            slotOf[n] = slot;
            sizes[n] = size;
            n++;
            return this;
        }

        int size() {
            return n;
        }

        OpSequence build() {
            return build(n);
        }

        /** The first {@code count} ops (count <= size()). */
        OpSequence build(int count) {
            return new OpSequence(name, slots, java.util.Arrays.copyOf(kinds, count),
                    java.util.Arrays.copyOf(slotOf, count), java.util.Arrays.copyOf(sizes, count));
        }
    }
}
