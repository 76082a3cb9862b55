package org.allocbench.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A block source that takes blocks from malloc and counts every byte taken
 * and given back, so a test can prove that deleting a context returns all of
 * it.
 */
public final class CountingBlockSource extends NativeBlockSource {

    /** Totals since creation. {@code bytesOutstanding = bytesAllocated - bytesFreed}. */
    public record Counts(long allocCalls, long freeCalls, long reallocCalls, long bytesAllocated, long bytesFreed,
            long bytesOutstanding, long blocksOutstanding) {
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment source;
    private final MemorySegment counters;

    public CountingBlockSource() {
        source = arena.allocate(NativeStructs.BLOCK_SOURCE);
        counters = arena.allocate(NativeStructs.BLOCK_COUNTERS);
        try {
            AllocSetNative.COUNTING_SOURCE_INIT.invokeExact(source, counters);
        } catch (Throwable t) {
            throw AllocSetNative.rethrow(t);
        }
    }

    @Override
    MemorySegment source() {
        return source;
    }

    public Counts counts() {
        long[] v = counters.toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
        return new Counts(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    @Override
    void release() {
        arena.close();
    }
}
