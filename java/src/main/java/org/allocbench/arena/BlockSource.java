package org.allocbench.arena;

import java.lang.foreign.MemorySegment;
import org.allocbench.nativecore.AddressSpace;

/**
 * Where a {@link JavaAllocSet}'s blocks come from: the Java counterpart of
 * the native block source ({@code native/src/block_source.c}). Addresses are
 * plain longs; a block is 8-byte aligned and never zeroed (as malloc's: the
 * set zeroes the 200-byte stand-in for its context struct itself, and writes
 * every other byte before it reads it). Arena and heap sources belong to the
 * thread that made them, as their sets do: other threads are refused with a
 * WrongThreadException. The malloc source serves any thread, one at a time.
 */
interface BlockSource {

    /** A block of {@code size} bytes, or 0 if out of memory (or the size overflowed). */
    long alloc(long size);

    /**
     * Gives back a block of {@code size} bytes (the size it was allocated or last reallocated with: the set
     * always knows it). False if {@code block} is not one of ours (nothing is freed then); a source that keeps no
     * record of its blocks ({@link MallocBlockSource}) cannot tell and frees it.
     */
    boolean free(long block, long size);

    /**
     * The block resized to {@code newSize} bytes, the first {@code min(oldSize, newSize)} bytes kept, maybe
     * moved; or 0 if out of memory, the old block untouched.
     */
    long realloc(long block, long oldSize, long newSize);

    /** Whether {@code block} is a live block of this source (always true for a source that keeps no record). */
    boolean owns(long block);

    /** Blocks currently held. */
    int size();

    /**
     * Frees every block still held, after the set has freed those its list names (nothing is left unless the
     * list was corrupted). A source that keeps no record of its blocks frees nothing.
     */
    void freeAll();

    // ---- the blocks' memory: what an address means is the source's. Off-heap (the defaults) an address is the
    // native address itself, read through AddressSpace.ALL; a heap source maps it to an array. Words are
    // 8-byte aligned; copies and zeroing are of whole words where the set uses them.

    /** The aligned word at {@code address}. */
    default long getLong(long address) {
        return OffHeap.getLong(address);
    }

    /** Writes the aligned word at {@code address}. */
    default void setLong(long address, long value) {
        OffHeap.setLong(address, value);
    }

    /** memcpy of {@code bytes} bytes between two blocks of this source (or two places in one). */
    default void copy(long from, long to, long bytes) {
        OffHeap.copy(from, to, bytes);
    }

    /** memset(address, 0, bytes). */
    default void zero(long address, long bytes) {
        OffHeap.zero(address, bytes);
    }

    /** The {@code size} bytes at {@code address} as a segment. */
    default MemorySegment segment(long address, long size) {
        return AddressSpace.ALL.asSlice(address, size);
    }

    /** Writes one byte (what a caller does to the memory of a chunk). */
    default void setByte(long address, byte value) {
        OffHeap.setByte(address, value);
    }


    /** Refuses every thread but {@code owner}, the one that made the source, naming both. */
    static void checkThread(Thread owner) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("the blocks of this source belong to thread \"" + owner.getName()
                    + "\", not \"" + Thread.currentThread().getName() + "\"");
        }
    }
}
