package org.allocbench.capture;

import java.util.Arrays;
import org.allocbench.trace.OpSequence;

/**
 * Hands out trace slots and takes them back, so a trace's {@code slots} stays near the recording's peak
 * of live chunks however many chunks it allocates in all.
 *
 * <p>Which slot comes back matters for a replay with threads: two ops on one slot run in trace order
 * (docs/trace-format.md, "Threads and order"), so a slot freed by thread A and refilled by thread B makes
 * B wait for A. Each trace thread therefore keeps the slots it freed and refills its own first, newest
 * first (no wait at all); only when it has none does it take another thread's, the oldest that thread
 * freed (the free most likely done long before), and only when no thread has one is a new slot opened.
 * A program where one thread allocates and another frees (a producer and a consumer) thus reuses slots
 * across the two, which costs the replay a wait the recorded program had too, in return for a bounded
 * slot count.
 */
final class SlotPool {

    /** One thread's freed slots: a ring, refilled from its top by the owner, taken from its bottom by others. */
    private static final class Ring {
        int[] slots = new int[16];
        int head; // index of the oldest
        int size;

        void push(int slot) {
            if (size == slots.length) {
                int[] bigger = new int[slots.length * 2];
                for (int k = 0; k < size; k++) {
                    bigger[k] = slots[(head + k) & (slots.length - 1)];
                }
                slots = bigger;
                head = 0;
            }
            slots[(head + size) & (slots.length - 1)] = slot;
            size++;
        }

        int popNewest() {
            size--;
            return slots[(head + size) & (slots.length - 1)];
        }

        int takeOldest() {
            int slot = slots[head];
            head = (head + 1) & (slots.length - 1);
            size--;
            return slot;
        }
    }

    private Ring[] rings = new Ring[0];
    private long freeCount;
    private int opened;
    private int donor;
    private long live;
    private long peakLive;

    /** A slot for a chunk allocated on trace thread {@code thread}. */
    int take(int thread) {
        live++;
        peakLive = Math.max(peakLive, live);
        Ring own = ring(thread);
        if (own.size > 0) {
            freeCount--;
            return own.popNewest();
        }
        if (freeCount > 0) {
            for (int k = 0; k < rings.length; k++) {
                Ring other = rings[donor];
                if (other != null && other.size > 0) {
                    freeCount--;
                    return other.takeOldest();
                }
                donor = (donor + 1) % rings.length;
            }
        }
        if (opened == OpSequence.MAX_SLOTS) {
            throw new IllegalStateException("more than " + OpSequence.MAX_SLOTS
                    + " chunks live at once: more than a trace's slots");
        }
        return opened++;
    }

    /** Gives back the slot of a chunk freed on trace thread {@code thread}. */
    void give(int thread, int slot) {
        live--;
        ring(thread).push(slot);
        freeCount++;
    }

    private Ring ring(int thread) {
        if (thread >= rings.length) {
            rings = Arrays.copyOf(rings, Math.max(thread + 1, rings.length * 2));
        }
        Ring r = rings[thread];
        if (r == null) {
            r = new Ring();
            rings[thread] = r;
        }
        return r;
    }

    /** Slots ever opened: the trace's {@code slots} (at least 1, which the format requires). */
    int slots() {
        return Math.max(1, opened);
    }

    /** The most chunks live at once. */
    long peakLive() {
        return peakLive;
    }
}
