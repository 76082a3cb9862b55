package org.allocbench.nativecore;

/** Flags of {@link NativeMemoryContext#allocateExtended(long, int)}, PostgreSQL's {@code MCXT_ALLOC_*} values. */
public final class AllocFlags {

    /** Allow requests above {@link #MAX_ALLOC_SIZE}, up to half the address space. */
    public static final int HUGE = 0x01;
    /** Return {@link java.lang.foreign.MemorySegment#NULL} instead of throwing when out of memory. */
    public static final int NO_OOM = 0x02;
    /** Zero the returned memory (palloc0). */
    public static final int ZERO = 0x04;

    /** PostgreSQL's MaxAllocSize: the largest request without {@link #HUGE}. */
    public static final long MAX_ALLOC_SIZE = 0x3fffffffL;

    private AllocFlags() {
    }
}
