package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.allocbench.nativecore.AddressSpace.ALL;

import java.lang.foreign.MemorySegment;

/**
 * Raw access to any native address, the way C code reads through a pointer,
 * through {@link org.allocbench.nativecore.AddressSpace#ALL} (a constant to C2, which is what lets the
 * AllocSet hot path run without allocating). Nothing here knows whether an
 * address is mapped: callers must only pass addresses of blocks they own.
 *
 * <p>Words are {@link java.lang.foreign.ValueLayout#JAVA_LONG_UNALIGNED
 * JAVA_LONG_UNALIGNED}: every header and freelist link in an AllocSet is 8-byte
 * aligned (MAXALIGN) by construction, and a pointer from a caller is checked for
 * it once, where it comes in ({@code JavaAllocSet.checkPointerShape}, with
 * native's message). The aligned layout checked it again on every word, an
 * and and a branch per access that showed as 3% of program-sqlite's profile.
 */
final class OffHeap {

    private OffHeap() {
    }

    static long getLong(long address) {
        return ALL.get(JAVA_LONG_UNALIGNED, address);
    }

    static void setLong(long address, long value) {
        ALL.set(JAVA_LONG_UNALIGNED, address, value);
    }

    static void setByte(long address, byte value) {
        ALL.set(JAVA_BYTE, address, value);
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
