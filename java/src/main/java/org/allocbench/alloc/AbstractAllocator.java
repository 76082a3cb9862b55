package org.allocbench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.allocbench.nativecore.AddressSpace;

/**
 * What every allocator shares: its name and capabilities (fixed at
 * construction), the closed state, the size checks and out-of-memory message
 * of a malloc-style call, and the {@link java.lang.foreign.SegmentAllocator}
 * bridge, whose segments live in a confined arena per generation (created on
 * first use, closed by reset and close) so a segment from before a reset
 * cannot reach freed memory. For an allocator without a bulk release the
 * bridge remembers the handles it took and frees them at reset and close: a
 * segment user never leaks, and the raw handle operations still track nothing.
 * Subclasses implement the handle operations and {@link #releaseAll()} /
 * {@link #releaseForGood()}. The helpers here are static or final, so a hot
 * path that calls them gains no virtual call.
 */
public abstract class AbstractAllocator implements Allocator {

    private final String name;
    private final Capabilities capabilities;
    private Arena generation;
    /** Handles the bridge allocated, freed at reset and close when the allocator has no bulk release. */
    private long[] bridged = new long[0];
    private int bridgedCount;
    private boolean closed;

    /** {@code name} as in results and on the command line; {@code capabilities} for the instance's life. */
    protected AbstractAllocator(String name, Capabilities capabilities) {
        this.name = Objects.requireNonNull(name, "name");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    /** Zeroes the {@code size} requested bytes at {@code address} (allocZeroed over a plain alloc); returns it. */
    protected static long zeroed(long address, long size) {
        AddressSpace.ALL.asSlice(address, size).fill((byte) 0);
        return address;
    }

    /** size_t cannot say -1: a negative request is refused here, in PostgreSQL's words, before it crosses to C. */
    protected static long nonNegativeSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
        return size;
    }

    /**
     * What to ask malloc (and its kin) for: 0 bytes is asked as 1, since {@code malloc(0)} may return NULL or a
     * pointer that is not unique, and every live handle must be unique and non-null; a negative size is refused.
     */
    protected static long mallocRequest(long size) {
        if (size > 0) {
            return size; // the common case first: one compare
        }
        return size == 0 ? 1 : nonNegativeSize(size);
    }

    /** A malloc-style result: the pointer, or, for NULL, an {@link OutOfMemoryError} naming this allocator and size. */
    protected final long orOutOfMemory(long pointer, long size) {
        if (pointer == 0) {
            throw new OutOfMemoryError(name + ": out of memory on request of " + size + " bytes");
        }
        return pointer;
    }

    /** Throws if closed; every operation calls it first (a field read: cheap enough for the hot path). */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("allocator " + name + " is closed");
        }
    }

    @Override
    public final MemorySegment allocate(long byteSize, long byteAlignment) {
        ensureOpen();
        if (!nativeMemory()) {
            throw new UnsupportedOperationException(name + " keeps its memory in Java arrays: a segment of it"
                    + " could not be ended by reset or close, so it is not a SegmentAllocator (use alloc and memory)");
        }
        nonNegativeSize(byteSize);
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not a power of two");
        }
        long guaranteed = capabilities.alignment();
        if (byteAlignment > guaranteed) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not supported by " + name
                    + ", which aligns to " + guaranteed + " bytes");
        }
        long handle = alloc(byteSize);
        if (!capabilities.bulkReset() && capabilities.individualFree()) {
            if (bridgedCount == bridged.length) {
                bridged = java.util.Arrays.copyOf(bridged, Math.max(8, bridgedCount * 2));
            }
            bridged[bridgedCount++] = handle;
        }
        if (generation == null) {
            generation = Arena.ofConfined();
        }
        return MemorySegment.ofAddress(address(handle)).reinterpret(byteSize, generation, null);
    }

    @Override
    public final void reset() {
        ensureOpen();
        freeBridged();
        releaseAll();
        endGeneration();
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        freeBridged();
        closed = true;
        releaseForGood();
        endGeneration();
    }

    /**
     * Closes this instance without {@link #releaseForGood()}: for a child context whose memory its parent's
     * reset or delete has already released (natively, in one call), so only the Java side is left to end.
     * Idempotent; the instance throws on use afterwards, as after close.
     */
    protected final void markReleased() {
        if (closed) {
            return;
        }
        closed = true;
        bridgedCount = 0; // a context tree has a bulk release, so the bridge kept no handles
        endGeneration();
    }

    /** The segments' handles, freed one by one (only an allocator without a bulk release has any). */
    private void freeBridged() {
        for (int i = 0; i < bridgedCount; i++) {
            free(bridged[i]);
        }
        bridgedCount = 0;
    }

    private void endGeneration() {
        if (generation != null) {
            generation.close();
            generation = null;
        }
    }

    /** The allocator's reset: its bulk release if it has one (else what it holds itself); stay usable. */
    protected abstract void releaseAll();

    /** The allocator's delete: its bulk release if it has one, and what it holds itself, for good. Called once. */
    protected abstract void releaseForGood();

    @Override
    public String toString() {
        return name + (closed ? " (closed)" : "");
    }
}
