package org.allocbench.trace;

/**
 * A version 2 trace's {@code e} line: what the recording allocator reported for one context at one point
 * (PostgreSQL's MemoryContextCounters), kept with the trace so a replay can be checked against it.
 *
 * @param beforeOp the index of the op the expectation precedes (the op count when it comes last): the
 *                 counters hold after ops {@code 0 .. beforeOp-1}
 * @param context  the context's id (live at that point)
 */
public record Expectation(int beforeOp, int context, long totalBytes, long blocks, long freeChunks,
        long freeBytes) {

    /** PostgreSQL's "used": total minus free. */
    public long usedBytes() {
        return totalBytes - freeBytes;
    }
}
