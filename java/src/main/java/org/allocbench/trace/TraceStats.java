package org.allocbench.trace;

import java.util.Arrays;

/**
 * What a trace asks of an allocator: op counts, the distribution of requested
 * sizes (of {@code a}, {@code z} and {@code r} ops), and the peak of live
 * slots and of live requested bytes (the sum of the current sizes of the full
 * slots: what the caller holds, before any allocator overhead). Computed from
 * a valid sequence, such as {@link TraceReader} returns. In a version 2
 * trace a reset or delete empties the slots of its whole subtree
 * ({@link TraceSimulation} says which).
 *
 * @param ops             all ops
 * @param allocs          {@code a} ops
 * @param zeroedAllocs    {@code z} ops
 * @param reallocs        {@code r} ops
 * @param frees           {@code f} ops
 * @param resets          {@code R} ops
 * @param creates         {@code c} ops (version 2)
 * @param deletes         {@code d} ops (version 2)
 * @param slots           slots the trace declares
 * @param slotsUsed       distinct slots ever allocated into
 * @param sortedSizes     the sizes of the a, z and r ops, ascending
 * @param requestedBytes  sum of the sizes of a, z and r ops
 * @param peakLiveSlots   most slots full at once
 * @param peakLiveSlotsAt 0-based index of the op that first reached that peak (-1 if no op allocates)
 * @param peakLiveBytes   most requested bytes live at once
 * @param peakLiveBytesAt 0-based index of the op that first reached that peak (-1 if no op allocates)
 */
public record TraceStats(long ops, long allocs, long zeroedAllocs, long reallocs, long frees, long resets,
        long creates, long deletes, int slots, int slotsUsed, int[] sortedSizes, long requestedBytes,
        long peakLiveSlots, long peakLiveSlotsAt, long peakLiveBytes, long peakLiveBytesAt) {

    public static TraceStats of(OpSequence sequence) {
        int n = sequence.length();
        long[] counts = new long[OpSequence.DELETE + 1];
        TraceSimulation tree = sequence.placement() == null ? null : new TraceSimulation(sequence);
        IntList released = new IntList();
        for (int i = 0; i < n; i++) {
            counts[sequence.kind(i)]++;
        }
        int[] sizes = new int[(int) (counts[OpSequence.ALLOC] + counts[OpSequence.ALLOC_ZEROED]
                + counts[OpSequence.REALLOC])];
        int sized = 0;
        long requested = 0;

        // a slot is full when its epoch is the current one: a reset is one increment
        int slots = sequence.slots();
        int[] sizeOf = new int[slots];
        int[] epochOf = new int[slots];
        boolean[] used = new boolean[slots];
        int epoch = 1;
        int slotsUsed = 0;
        long live = 0;
        long liveBytes = 0;
        long peakSlots = 0;
        long peakSlotsAt = -1;
        long peakBytes = 0;
        long peakBytesAt = -1;
        for (int i = 0; i < n; i++) {
            byte kind = sequence.kind(i);
            int slot = sequence.slot(i);
            int size = (int) sequence.size(i);
            switch (kind) {
                case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> {
                    sizes[sized++] = size;
                    requested += size;
                    if (epochOf[slot] != epoch) {
                        epochOf[slot] = epoch;
                        live++;
                    } else {
                        liveBytes -= sizeOf[slot]; // not in a valid trace; keep the sums consistent
                    }
                    sizeOf[slot] = size;
                    liveBytes += size;
                    if (!used[slot]) {
                        used[slot] = true;
                        slotsUsed++;
                    }
                }
                case OpSequence.REALLOC -> {
                    sizes[sized++] = size;
                    requested += size;
                    if (epochOf[slot] == epoch) {
                        liveBytes += size - sizeOf[slot];
                        sizeOf[slot] = size;
                    }
                }
                case OpSequence.FREE -> {
                    if (epochOf[slot] == epoch) {
                        epochOf[slot] = 0;
                        live--;
                        liveBytes -= sizeOf[slot];
                    }
                }
                case OpSequence.RESET, OpSequence.DELETE -> {
                    if (tree == null) {
                        epoch++;
                        live = 0;
                        liveBytes = 0;
                    } else {
                        released.clear();
                        tree.step(sequence, i, released);
                        for (int k = 0; k < released.size(); k++) {
                            int s = released.get(k);
                            epochOf[s] = 0;
                            live--;
                            liveBytes -= sizeOf[s];
                        }
                    }
                }
                default -> {
                }
            }
            if (tree != null && kind != OpSequence.RESET && kind != OpSequence.DELETE) {
                tree.step(sequence, i, null);
            }
            if (live > peakSlots) {
                peakSlots = live;
                peakSlotsAt = i;
            }
            if (liveBytes > peakBytes) {
                peakBytes = liveBytes;
                peakBytesAt = i;
            }
        }
        Arrays.sort(sizes, 0, sized);
        return new TraceStats(n, counts[OpSequence.ALLOC], counts[OpSequence.ALLOC_ZEROED],
                counts[OpSequence.REALLOC], counts[OpSequence.FREE], counts[OpSequence.RESET],
                counts[OpSequence.CREATE], counts[OpSequence.DELETE], slots, slotsUsed,
                sized == sizes.length ? sizes : Arrays.copyOf(sizes, sized), requested, peakSlots, peakSlotsAt,
                peakBytes, peakBytesAt);
    }

    /**
     * The size at percentile {@code p} (0 < p <= 100) by the nearest-rank
     * method: the smallest size that at least p% of sized ops do not exceed.
     * 0 if there are no sized ops.
     */
    public int sizePercentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        }
        if (sortedSizes.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sortedSizes.length);
        return sortedSizes[Math.max(rank, 1) - 1];
    }

    /** Mean requested size of a, z and r ops; 0 if there are none. */
    public double meanSize() {
        return sortedSizes.length == 0 ? 0 : (double) requestedBytes / sortedSizes.length;
    }
}
