package org.allocbench.capture;

import java.util.Arrays;
import org.allocbench.trace.Placement;

/**
 * Which trace thread each recorded thread's ops go to. A recorded thread gets one at its first op that
 * reaches the trace: a trace thread of its own while there are fewer than {@value Placement#MAX_THREADS}
 * (so they are numbered in the order of first ops, and a chunk freed by another thread than the one that
 * allocated it is a free from another thread in the replay too: a remote free, which costs a malloc more
 * than a local one). Beyond that, a recorded thread reuses the lowest trace thread whose recorded threads
 * have all made their last record by then (a program that starts and ends threads one after another, a
 * pool that replaces its workers); only if all {@value Placement#MAX_THREADS} are busy is it folded onto a
 * busy one (round robin): its ops then run on that trace thread in trace order with the other's, which
 * any replay may do. Both are counted.
 */
final class TraceThreads {

    private static final int UNASSIGNED = -1;

    private final long[] lastSeqOfRecorded;
    private int[] traceOf;
    /** Per trace thread: the last record of the recorded threads on it so far. */
    private final long[] busyUntil = new long[Placement.MAX_THREADS];
    private int used;
    private int folded;
    private int reused;
    private int recordedThreads;
    private int nextFold;

    /** {@code lastSeq[k]}: the last sequence number recorded thread k wrote (from the chunk headers). */
    TraceThreads(long[] lastSeq) {
        this.lastSeqOfRecorded = lastSeq;
        this.traceOf = new int[lastSeq.length];
        Arrays.fill(traceOf, UNASSIGNED);
    }

    /** Whether the recorded thread has a trace thread yet. */
    boolean assigned(int recorded) {
        return traceOf[recorded] != UNASSIGNED;
    }

    /** The trace thread of a recorded thread (assigned already). */
    int of(int recorded) {
        return traceOf[recorded];
    }

    /**
     * Gives a recorded thread its trace thread, at its first op (sequence number {@code seq}); returns it.
     */
    int assign(int recorded, long seq) {
        recordedThreads++;
        int chosen = -1;
        if (used < Placement.MAX_THREADS) {
            chosen = used++;
        } else {
            for (int t = 0; t < used; t++) {
                if (busyUntil[t] < seq) {
                    chosen = t;
                    reused++;
                    break;
                }
            }
        }
        if (chosen < 0) {
            chosen = nextFold;
            nextFold = (nextFold + 1) % Placement.MAX_THREADS;
            folded++;
        }
        busyUntil[chosen] = Math.max(busyUntil[chosen], lastSeqOfRecorded[recorded]);
        traceOf[recorded] = chosen;
        return chosen;
    }

    /** Trace threads in use (the trace's {@code threads}, at least 1). */
    int used() {
        return Math.max(1, used);
    }

    /** Recorded threads that reached the trace. */
    int recordedThreads() {
        return recordedThreads;
    }

    /** Recorded threads given the trace thread of recorded threads that had ended (beyond 256 threads). */
    int reused() {
        return reused;
    }

    /** Recorded threads folded onto a busy trace thread because {@value Placement#MAX_THREADS} were busy. */
    int folded() {
        return folded;
    }
}
