package org.allocbench.trace;

import java.util.Arrays;

/**
 * Walks an {@link OpSequence} the way a replayer validates a trace, with no
 * allocator: every slot's state and size, live chunks and bytes. An op the
 * trace format forbids fails the walk with its index. Written apart from the
 * generators' own bookkeeping, so it checks them rather than repeats them.
 */
final class PatternSimulation {

    /** Sees each op before it is applied, with the state it is applied to. */
    @FunctionalInterface
    interface Listener {
        void before(int index, byte kind, int slot, long size, PatternSimulation state);
    }

    private final long[] sizes; // 0: empty
    private int live;
    private long liveBytes;
    private int peakLive;
    private long peakLiveBytes;

    private PatternSimulation(int slots) {
        sizes = new long[slots];
    }

    static PatternSimulation run(OpSequence ops) {
        return run(ops, (i, kind, slot, size, state) -> { });
    }

    static PatternSimulation run(OpSequence ops, Listener listener) {
        PatternSimulation s = new PatternSimulation(ops.slots());
        for (int i = 0; i < ops.length(); i++) {
            byte kind = ops.kind(i);
            int slot = ops.slot(i);
            long size = ops.size(i);
            s.validate(ops.name(), i, kind, slot, size);
            listener.before(i, kind, slot, size, s);
            s.apply(kind, slot, size);
        }
        return s;
    }

    private void validate(String name, int i, byte kind, int slot, long size) {
        String where = name + " op " + i + " (kind " + kind + ", slot " + slot + ", size " + size + "): ";
        if (slot < 0 || slot >= sizes.length) {
            throw new AssertionError(where + "slot out of range 0.." + (sizes.length - 1));
        }
        switch (kind) {
            case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> {
                if (sizes[slot] != 0) {
                    throw new AssertionError(where + "allocation into a full slot");
                }
                requireSize(where, size);
            }
            case OpSequence.REALLOC -> {
                if (sizes[slot] == 0) {
                    throw new AssertionError(where + "realloc of an empty slot");
                }
                requireSize(where, size);
            }
            case OpSequence.FREE -> {
                if (sizes[slot] == 0) {
                    throw new AssertionError(where + "free of an empty slot");
                }
                if (size != 0) {
                    throw new AssertionError(where + "a free carries no size");
                }
            }
            case OpSequence.RESET -> {
                if (slot != 0 || size != 0) {
                    throw new AssertionError(where + "a reset carries no slot or size");
                }
            }
            default -> throw new AssertionError(where + "unknown kind");
        }
    }

    private static void requireSize(String where, long size) {
        if (size < 1 || size > OpSequence.MAX_SIZE) {
            throw new AssertionError(where + "size out of range 1.." + OpSequence.MAX_SIZE);
        }
    }

    private void apply(byte kind, int slot, long size) {
        switch (kind) {
            case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> {
                sizes[slot] = size;
                live++;
                liveBytes += size;
            }
            case OpSequence.REALLOC -> {
                liveBytes += size - sizes[slot];
                sizes[slot] = size;
            }
            case OpSequence.FREE -> {
                liveBytes -= sizes[slot];
                sizes[slot] = 0;
                live--;
            }
            default -> {
                Arrays.fill(sizes, 0);
                live = 0;
                liveBytes = 0;
            }
        }
        peakLive = Math.max(peakLive, live);
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
    }

    /** Size of the chunk in a slot; 0 if empty. */
    long size(int slot) {
        return sizes[slot];
    }

    int live() {
        return live;
    }

    long liveBytes() {
        return liveBytes;
    }

    int peakLive() {
        return peakLive;
    }

    long peakLiveBytes() {
        return peakLiveBytes;
    }
}
