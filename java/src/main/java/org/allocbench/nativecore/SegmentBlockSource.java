package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;

/**
 * A block source over a region of a shared segment: an AllocSet created on it
 * ({@link NativeMemoryContext#create(String, AllocSetSizes, NativeBlockSource)})
 * keeps its blocks on the segment's pages, huge or not. Blocks are rounded up
 * to powers of two and reused per size (see native/src/shm_block_source.c);
 * when the region is full, allocation fails with PostgreSQL's "out of memory".
 */
public final class SegmentBlockSource extends NativeBlockSource {

    private final long arena;
    private final MemorySegment source;
    private final MemorySegment region;

    /** Blocks from {@code region} (16-byte aligned, at least 1 KiB), which must outlive this source. */
    public SegmentBlockSource(MemorySegment region) {
        this.region = region;
        try {
            this.arena = SharedSegmentNative.check((long) SharedSegmentNative.ARENA_CREATE.invokeExact(
                    region.address(), region.byteSize()));
            this.source = (MemorySegment) SharedSegmentNative.ARENA_SOURCE.invokeExact(arena);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The region blocks come from. */
    public MemorySegment region() {
        return region;
    }

    /** Bytes of the region handed out as blocks now (power-of-two sizes). */
    public long bytesInUse() {
        try {
            return (long) SharedSegmentNative.ARENA_IN_USE.invokeExact(arena);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    MemorySegment source() {
        return source;
    }

    @Override
    void release() {
        try {
            SharedSegmentNative.ARENA_DESTROY.invokeExact(arena);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
