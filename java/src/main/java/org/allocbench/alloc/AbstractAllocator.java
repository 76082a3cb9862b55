package org.allocbench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What every allocator shares: the closed state, and the
 * {@link java.lang.foreign.SegmentAllocator} bridge, whose segments live in a
 * confined arena per generation (created on first use, closed by reset and
 * close) so a segment from before a reset cannot reach freed memory.
 * Subclasses implement the handle operations and {@link #releaseAll()} /
 * {@link #releaseForGood()}.
 */
public abstract class AbstractAllocator implements Allocator {

    private Arena generation;
    private boolean closed;

    /** Throws if closed; call first in every operation (a field read: cheap enough for the hot path). */
    /** The whole address space as one segment: handles are raw addresses, written through it unchecked. */
    protected static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** Zeroes the {@code size} requested bytes at {@code address} (allocZeroed over a plain alloc); returns it. */
    protected static long zeroed(long address, long size) {
        EVERYTHING.asSlice(address, size).fill((byte) 0);
        return address;
    }

    /** size_t cannot say -1: a negative request is refused here, in PostgreSQL's words, before it crosses to C. */
    protected static long nonNegativeSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
        return size;
    }

    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("allocator " + name() + " is closed");
        }
    }

    @Override
    public final MemorySegment allocate(long byteSize, long byteAlignment) {
        ensureOpen();
        if (byteSize < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + byteSize);
        }
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not a power of two");
        }
        long guaranteed = capabilities().alignment();
        if (byteAlignment > guaranteed) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not supported by " + name()
                    + ", which aligns to " + guaranteed + " bytes");
        }
        long handle = alloc(byteSize);
        if (generation == null) {
            generation = Arena.ofConfined();
        }
        return MemorySegment.ofAddress(address(handle)).reinterpret(byteSize, generation, null);
    }

    @Override
    public final void reset() {
        ensureOpen();
        releaseAll();
        endGeneration();
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseForGood();
        endGeneration();
    }

    private void endGeneration() {
        if (generation != null) {
            generation.close();
            generation = null;
        }
    }

    /** The allocator's reset: release every allocation, stay usable. */
    protected abstract void releaseAll();

    /** The allocator's delete: release everything for good. Called once. */
    protected abstract void releaseForGood();

    @Override
    public String toString() {
        return name() + (closed ? " (closed)" : "");
    }
}
