package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import org.allocbench.nativecore.AddressSpace;

/**
 * The one interface every allocator in the suite implements, so that a trace
 * replayer or a JMH benchmark can drive any of them without knowing which.
 *
 * <p>An instance is one "context": a set of allocations that {@link #reset()}
 * releases together and {@link #close()} releases for good, where the
 * allocator has such a bulk release ({@link Capabilities#bulkReset()}). Where
 * it has none (malloc and friends) the raw instance tracks nothing: reset and
 * close release only what the instance itself holds, and the caller frees its
 * live allocations first, as the replay loop does for every allocator alike
 * (so no allocator pays for bookkeeping another is spared). {@link #checked()}
 * adds the tracking, and with it a reset that frees everything.
 *
 * <p>Handles ({@link #alloc}, {@link #resize}, {@link #free}) are primitive longs (for most allocators the address itself), so
 * the replay loop creates no Java objects per operation. {@link #address(long)}
 * gives the native address to read or write. Instances are not thread-safe
 * unless {@link Capabilities#sharing()} says so: one thread drives one instance at a time, like a PostgreSQL
 * backend its contexts.
 *
 * <p>The raw operations check only what is free to check (a closed instance
 * throws {@link IllegalStateException}); {@link #checked()} returns a view that
 * also rejects handles that are not live chunks of this instance, for tests and
 * validation runs. As a {@link SegmentAllocator} an instance hands out
 * segments scoped to the current generation: reset or close kills them, and
 * frees them, whatever the allocator's capabilities.
 */
public interface Allocator extends SegmentAllocator, AutoCloseable {

    /** Stable identifier used in results and on the command line, e.g. {@code aset-native}. */
    String name();

    /** What was actually loaded: library version or path, implementation version. */
    String version();

    /** What this allocator can and cannot do; replayers adapt to it and results mark it. */
    Capabilities capabilities();

    /**
     * Allocates {@code size} bytes (0 is allowed); returns the handle. Throws on
     * failure. (Named {@code alloc}, not {@code allocate}: SegmentAllocator's
     * {@code allocate(long)} returns a segment.)
     */
    long alloc(long size);

    /** Allocates {@code size} zeroed bytes; returns the handle. */
    long allocZeroed(long size);

    /**
     * Resizes the allocation to {@code newSize}, keeping the first
     * {@code min(oldSize, newSize)} bytes; returns the (possibly new) handle.
     * {@code oldSize} is the size last requested for this handle.
     */
    long resize(long handle, long oldSize, long newSize);

    /**
     * Frees one allocation. Throws {@link UnsupportedOperationException} when
     * {@link Capabilities#individualFree()} is false (the memory stays until reset).
     */
    void free(long handle);

    /**
     * The native address of a live handle's memory. An allocator whose memory is on the Java heap
     * ({@link #nativeMemory()} false) has none and throws {@link UnsupportedOperationException}: use
     * {@link #memory} or {@link #writeByte}.
     */
    long address(long handle);

    /**
     * A live handle's first {@code size} bytes as a segment to read and write: the memory at {@link #address},
     * or a slice of the Java array that holds it. Unscoped and unchecked: valid while the handle is live. For
     * tests and tools (it makes a segment); the replay loop uses {@link #writeByte}.
     */
    default MemorySegment memory(long handle, long size) {
        return MemorySegment.ofAddress(address(handle)).reinterpret(size);
    }

    /**
     * Writes one byte of a live handle's memory, {@code offset} bytes in: what a program does with what it was
     * given (the replay loop touches each chunk's first and last byte). A plain store at
     * {@link #address}{@code (handle) + offset} unless the memory is on the Java heap.
     */
    default void writeByte(long handle, long offset, byte value) {
        AddressSpace.ALL.set(JAVA_BYTE, address(handle) + offset, value);
    }

    /**
     * False for an allocator whose memory is on the Java heap (the GC owns it): it has no native addresses, and
     * its {@link SegmentAllocator} bridge refuses (a heap segment cannot be killed by a reset).
     */
    default boolean nativeMemory() {
        return true;
    }

    /**
     * Releases every allocation at once if {@link Capabilities#bulkReset()}, else only the segments handed
     * out through {@link #allocate}; the instance stays usable.
     */
    void reset();

    /**
     * Ends the instance: releases everything if {@link Capabilities#bulkReset()}, else the segments handed
     * out through {@link #allocate} and what the instance holds itself; further use throws
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    void close();

    /** What the instance holds now; figures it cannot know are reported as unknown, never invented. */
    AllocatorStats stats();

    /**
     * A new child context of this one (PostgreSQL's {@code AllocSetContextCreate(parent, name, ...)}), where
     * {@link Capabilities#contextTree()}: its own allocations, statistics, reset and close. Resetting this
     * instance closes every child (their memory goes with the reset, as MemoryContextReset deletes the
     * children); closing it closes every descendant. A closed child throws on use and closes again as a no-op.
     * The sizes obey the AllocSet's rules (initBlockSize a multiple of 8, at least 1024; maxBlockSize a
     * multiple of 8, at least initBlockSize, below 1 GiB; minContextSize 0 or a multiple of 8 from 1024 to
     * maxBlockSize); bad ones are refused with the native core's message. Not a hot path: a version 2 replay
     * calls it for each {@code c} op.
     *
     * @throws UnsupportedOperationException if the allocator has no contexts ({@code contextTree} false)
     */
    default Allocator child(String name, long minContextSize, long initBlockSize, long maxBlockSize) {
        throw new UnsupportedOperationException(name() + " has no child contexts");
    }

    /**
     * A view of this instance that tracks its live allocations: it rejects foreign, freed and stale handles
     * with clear messages, and its reset and close free every live allocation even where the allocator has
     * no bulk release. Costs a hash lookup per operation: for tests and validation, not for timing.
     */
    default Allocator checked() {
        return new CheckedAllocator(this);
    }
}
