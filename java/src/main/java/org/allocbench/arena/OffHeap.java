package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Raw access to any native address, the way C code reads through a pointer.
 *
 * <p>One segment covers the whole address space ({@code NULL} reinterpreted to
 * {@code Long.MAX_VALUE} bytes, global scope), held in a {@code static final}
 * field, so that C2 treats it as a constant: an access compiles to a bounds
 * compare against a constant, an alignment test and the load or store. There is
 * no liveness check (the global scope is always alive) and no segment object
 * per access, which is what lets the AllocSet hot path run without allocating.
 * The price is that nothing here knows whether an address is mapped: callers
 * must only pass addresses of blocks they own.
 *
 * <p>Words are {@link java.lang.foreign.ValueLayout#JAVA_LONG JAVA_LONG}
 * (aligned): every header and freelist link in an AllocSet is 8-byte aligned
 * (MAXALIGN), so a misaligned address is a bug and is reported as one.
 */
final class OffHeap {

    /** Every address: offset == address. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private OffHeap() {
    }

    static long getLong(long address) {
        return ALL.get(JAVA_LONG, address);
    }

    static void setLong(long address, long value) {
        ALL.set(JAVA_LONG, address, value);
    }

    /** memcpy (the ranges never overlap: they are different chunks or blocks). */
    static void copy(long from, long to, long bytes) {
        MemorySegment.copy(ALL, from, ALL, to, bytes);
    }

    /** memset(address, 0, bytes). */
    static void zero(long address, long bytes) {
        ALL.asSlice(address, bytes).fill((byte) 0);
    }
}
