package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;

/**
 * The huge-pages benchmark's two access patterns, run in C
 * (native/src/shm_touch.c) so the loop is the same whatever the mapping:
 * first touch (one write per page, minor faults counted by the kernel) and
 * a dependent pointer chase through one slot per 4 KiB page in random order.
 */
public final class PageAccess {

    private PageAccess() {
    }

    /** Writes one byte every {@code stride} bytes of {@code memory}; returns the minor faults this thread took. */
    public static long touch(MemorySegment memory, long stride) {
        try {
            return (long) SharedSegmentNative.TOUCH_PAGES.invokeExact(memory.address(), memory.byteSize(), stride);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Links one slot per 4 KiB page of {@code memory} into a random cycle; returns the start address. */
    public static long buildChase(MemorySegment memory, long seed) {
        try {
            return SharedSegmentNative.check((long) SharedSegmentNative.CHASE_BUILD.invokeExact(
                    memory.address(), memory.byteSize(), seed));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Follows the cycle from {@code start} for {@code steps} dependent loads and
     * returns where it stopped (pass it as the next start). The memory must
     * stay mapped and built by {@link #buildChase}: this is an unchecked call.
     */
    public static long chase(long start, long steps) {
        try {
            return (long) SharedSegmentNative.CHASE.invokeExact(start, steps);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
