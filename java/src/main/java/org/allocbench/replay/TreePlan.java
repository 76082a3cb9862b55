package org.allocbench.replay;

import java.util.Arrays;
import org.allocbench.trace.IntList;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceSimulation;
import org.allocbench.trace.Placement;

/**
 * What a replay of a version 2 trace knows before anything is timed, worked
 * out once from the ops in trace order (docs/trace-format.md, "Version 2"):
 *
 * <ul>
 * <li><b>Which chunks each reset and delete releases.</b> For an allocator
 * without contexts, {@code R C} and {@code d C} free each live chunk of C and
 * its descendants; which slots those are depends only on the trace, so the
 * plan lists them per R and d, in trace order, and the replay frees exactly
 * those, keeping no per-context live set at run time (nothing to pay per op
 * beyond remembering each slot's handle, the same for every allocator).
 * Likewise the chunks still live at the end.</li>
 * <li><b>Each thread's ops</b>, in trace order.</li>
 * <li><b>Whom each op waits for</b> ({@link #waits}), when the trace's threads
 * run on threads of their own: the ops before it on the same slot, every op
 * before a c, R or d, the c, R or d before it, and, for an allocator that is
 * not thread-safe, the ops before it on the same context (or on the same
 * instance). As per-thread lists of "before my k-th op, thread u must have
 * finished n ops", with only what a thread's own order does not already
 * guarantee.</li>
 * </ul>
 *
 * Building the plan also checks the trace's rules (slot states, live
 * contexts, the chunk's context of r and f), so a hand-built sequence that
 * breaks them is refused with its op index instead of corrupting a heap.
 */
final class TreePlan {

    /** How ops on different threads must be ordered beyond the slot and c/R/d rules. */
    enum Ordering {
        /** Thread-safe allocators (malloc and its peers): only the slot and c/R/d rules. */
        SLOTS,
        /** Contexts that are single-threaded but independent: also the ops on one context in trace order. */
        PER_CONTEXT,
        /** One instance for everything (no contexts, or a shared block source): every op in trace order. */
        TRACE
    }

    /**
     * Whom each thread waits for: before its {@code at[t][j]}-th op (0-based, in its own order), thread
     * {@code thread[t][j]} must have finished {@code count[t][j]} ops. Sorted by {@code at} per thread.
     */
    record Waits(int[][] at, int[][] thread, int[][] count) {
    }

    final int threads;
    /** Per R and d op, in trace order: its released slots are {@code releaseSlots[releaseStart[k] .. releaseStart[k+1])}. */
    final int[] releaseStart;
    final int[] releaseSlots;
    /** The slots live after the last op. */
    final int[] endLive;
    /** Per thread, the indices of its ops in trace order. */
    final int[][] threadOps;
    /** The sum of the sizes held live: highest over the trace, and after the last op. */
    final long peakLiveBytes;
    final long endLiveBytes;

    private final OpSequence ops;
    private final Placement placement;
    private final Waits[] waits = new Waits[Ordering.values().length];

    private TreePlan(OpSequence ops) {
        this.ops = ops;
        this.placement = ops.placement();
        this.threads = placement.threads();
        IntList starts = new IntList();
        IntList released = new IntList();
        TraceSimulation sim = new TraceSimulation(ops);
        for (int i = 0, n = ops.length(); i < n; i++) {
            byte kind = ops.kind(i);
            if (kind == OpSequence.RESET || kind == OpSequence.DELETE) {
                starts.add(released.size());
            }
            sim.step(ops, i, released);
        }
        starts.add(released.size());
        this.releaseStart = starts.toArray();
        this.releaseSlots = released.toArray();
        this.endLive = sim.liveSlots();
        this.peakLiveBytes = sim.peakBytes();
        this.endLiveBytes = sim.liveBytes();
        this.threadOps = splitByThread();
    }

    /**
     * The plan of a version 2 sequence.
     *
     * @throws IllegalArgumentException if it has no placement, or breaks a rule of the format (the message
     *                                  names the op by its 0-based index)
     */
    static TreePlan of(OpSequence ops) {
        if (ops.placement() == null) {
            throw new IllegalArgumentException("trace " + ops.name() + " is version 1: it has no contexts or threads");
        }
        return new TreePlan(ops);
    }

    private int[][] splitByThread() {
        int[] counts = new int[threads];
        for (int i = 0, n = ops.length(); i < n; i++) {
            counts[placement.thread(i)]++;
        }
        int[][] lists = new int[threads][];
        for (int t = 0; t < threads; t++) {
            lists[t] = new int[counts[t]];
        }
        Arrays.fill(counts, 0);
        for (int i = 0, n = ops.length(); i < n; i++) {
            int t = placement.thread(i);
            lists[t][counts[t]++] = i;
        }
        return lists;
    }

    /** The slots live after the first {@code done} ops (to free them after a failed iteration). */
    int[] liveAfter(int done) {
        TraceSimulation sim = new TraceSimulation(ops);
        for (int i = 0; i < done; i++) {
            sim.step(ops, i, null);
        }
        return sim.liveSlots();
    }

    /**
     * The same work as a version 1 trace, for what knows only version 1 (the floor's plan): c dropped, a reset
     * of the root kept as R, and a reset of another context or a delete written as a free of each chunk it
     * releases, in the order the replay frees them.
     */
    OpSequence v1Equivalent() {
        long[] encoded = ops.encoded();
        long[] out = new long[ops.length() + releaseSlots.length];
        int n = 0;
        int k = 0;
        for (int i = 0; i < encoded.length; i++) {
            byte kind = ops.kind(i);
            switch (kind) {
                case OpSequence.CREATE -> {
                }
                case OpSequence.RESET, OpSequence.DELETE -> {
                    if (kind == OpSequence.RESET && placement.context(i) == 0) {
                        out[n++] = OpSequence.encode(OpSequence.RESET, 0, 0);
                    } else {
                        for (int j = releaseStart[k]; j < releaseStart[k + 1]; j++) {
                            out[n++] = OpSequence.encode(OpSequence.FREE, releaseSlots[j], 0);
                        }
                    }
                    k++;
                }
                default -> out[n++] = encoded[i];
            }
        }
        return new OpSequence(ops.name(), ops.slots(), Arrays.copyOf(out, n));
    }

    /** Whom each op waits for under {@code ordering} (computed once per ordering, then kept). */
    synchronized Waits waits(Ordering ordering) {
        Waits w = waits[ordering.ordinal()];
        if (w == null) {
            w = waits[ordering.ordinal()] = computeWaits(ordering);
        }
        return w;
    }

    private Waits computeWaits(Ordering ordering) {
        int n = ops.length();
        IntList[] at = new IntList[threads];
        IntList[] onThread = new IntList[threads];
        IntList[] count = new IntList[threads];
        for (int t = 0; t < threads; t++) {
            at[t] = new IntList();
            onThread[t] = new IntList();
            count[t] = new IntList();
        }
        // "thread t has already waited for thread u to finish n ops": never wait for less again
        int[][] known = new int[threads][threads];
        int[] done = new int[threads]; // ops of each thread so far, in trace order
        // the last op on each slot, on each key (context or instance), and the last c/R/d: thread << 32 | count
        long[] lastOnSlot = new long[ops.slots()];
        Arrays.fill(lastOnSlot, -1);
        long[] lastOnKey = new long[ordering == Ordering.PER_CONTEXT ? placement.contextCount() : 1];
        Arrays.fill(lastOnKey, -1);
        long lastAlone = -1;
        for (int i = 0; i < n; i++) {
            int t = placement.thread(i);
            int k = done[t];
            byte kind = ops.kind(i);
            boolean alone = kind == OpSequence.RESET || kind == OpSequence.CREATE || kind == OpSequence.DELETE;
            if (alone) {
                for (int u = 0; u < threads; u++) {
                    need(t, k, u, done[u], known, at, onThread, count);
                }
            } else {
                need(t, k, lastAlone, known, at, onThread, count);
                need(t, k, lastOnSlot[ops.slot(i)], known, at, onThread, count);
                if (ordering != Ordering.SLOTS) {
                    need(t, k, lastOnKey[key(ordering, i)], known, at, onThread, count);
                }
            }
            long me = (long) t << 32 | (k + 1);
            if (alone) {
                lastAlone = me;
            } else {
                lastOnSlot[ops.slot(i)] = me;
                lastOnKey[key(ordering, i)] = me;
            }
            done[t] = k + 1;
        }
        int[][] a = new int[threads][];
        int[][] u = new int[threads][];
        int[][] c = new int[threads][];
        for (int t = 0; t < threads; t++) {
            a[t] = at[t].toArray();
            u[t] = onThread[t].toArray();
            c[t] = count[t].toArray();
        }
        return new Waits(a, u, c);
    }

    private int key(Ordering ordering, int i) {
        return ordering == Ordering.PER_CONTEXT ? placement.context(i) : 0;
    }

    private static void need(int t, int k, long last, int[][] known, IntList[] at, IntList[] onThread,
            IntList[] count) {
        if (last >= 0) {
            need(t, k, (int) (last >>> 32), (int) last, known, at, onThread, count);
        }
    }

    private static void need(int t, int k, int u, int n, int[][] known, IntList[] at, IntList[] onThread,
            IntList[] count) {
        if (u == t || n <= known[t][u]) {
            return; // the thread's own order, or already waited for
        }
        known[t][u] = n;
        at[t].add(k);
        onThread[t].add(u);
        count[t].add(n);
    }

}
