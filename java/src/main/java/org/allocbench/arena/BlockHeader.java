package org.allocbench.arena;

/**
 * The 40-byte block header, field for field {@code AllocBlockData} of
 * {@code native/src/aset_internal.h}, kept in off-heap memory at the start of
 * each block:
 *
 * <pre>
 *   +0   owner     the owning set's address (its context struct, at the start of the keeper block)
 *   +8   prev      previous block in the set's list, or 0
 *   +16  next      next block, or 0
 *   +24  freeptr   start of free space in this block
 *   +32  endptr    end of this block
 * </pre>
 *
 * Chunks run from {@code block + SIZE} to {@code freeptr}. A dedicated block
 * has {@code freeptr == endptr}, which free and realloc check as native does.
 */
final class BlockHeader {

    /** ALLOC_BLOCKHDRSZ: MAXALIGN(sizeof(AllocBlockData)) on LP64. */
    static final long SIZE = 40;

    private static final long OWNER = 0;
    private static final long PREV = 8;
    private static final long NEXT = 16;
    private static final long FREEPTR = 24;
    private static final long ENDPTR = 32;

    private BlockHeader() {
    }

    static void init(BlockSource memory, long block, long owner, long prev, long next, long freeptr, long endptr) {
        memory.setLong(block + OWNER, owner);
        memory.setLong(block + PREV, prev);
        memory.setLong(block + NEXT, next);
        memory.setLong(block + FREEPTR, freeptr);
        memory.setLong(block + ENDPTR, endptr);
    }

    static long owner(BlockSource memory, long block) {
        return memory.getLong(block + OWNER);
    }

    static long prev(BlockSource memory, long block) {
        return memory.getLong(block + PREV);
    }

    static void setPrev(BlockSource memory, long block, long prev) {
        memory.setLong(block + PREV, prev);
    }

    static long next(BlockSource memory, long block) {
        return memory.getLong(block + NEXT);
    }

    static void setNext(BlockSource memory, long block, long next) {
        memory.setLong(block + NEXT, next);
    }

    static long freeptr(BlockSource memory, long block) {
        return memory.getLong(block + FREEPTR);
    }

    static void setFreeptr(BlockSource memory, long block, long freeptr) {
        memory.setLong(block + FREEPTR, freeptr);
    }

    static long endptr(BlockSource memory, long block) {
        return memory.getLong(block + ENDPTR);
    }

    static void setEndptr(BlockSource memory, long block, long endptr) {
        memory.setLong(block + ENDPTR, endptr);
    }
}
