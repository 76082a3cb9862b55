package org.allocbench.arena;

/**
 * The 8-byte chunk header of PostgreSQL 16+, bit for bit the layout of
 * {@code native/src/chunk_pg16.h}:
 *
 * <pre>
 *   bits  0..2   context kind (AllocSet = 3; 0 and 7 are never used, so zeroed
 *                and 0x7F-wiped memory are recognised as not-a-chunk)
 *   bit   3      external: the chunk has a dedicated block of its own
 *   bits  4..33  value: the freelist index (30 bits)
 *   bits 34..63  offset back from the chunk header to the start of its block (30 bits)
 * </pre>
 *
 * The word lives in off-heap memory just in front of the pointer handed out,
 * so a pointer alone finds its block ({@code chunk - offset}) and from the
 * block header its owning set, as pfree does in C. Only static arithmetic on
 * primitive longs here: nothing allocates, everything inlines.
 */
final class ChunkHeader {

    /** Bytes in front of every pointer (ALLOC_CHUNKHDRSZ). */
    static final long SIZE = 8;

    static final long KIND_MASK = 0x7;
    static final long KIND_ASET = 3;
    static final long EXTERNAL_BIT = 1L << 3;
    static final int VALUE_SHIFT = 4;
    static final long VALUE_MASK = (1L << 30) - 1;
    static final int OFFSET_SHIFT = VALUE_SHIFT + 30;
    /** The largest block offset the header can hold: why maxBlockSize must stay below 1 GiB. */
    static final long MAX_BLOCK_OFFSET = VALUE_MASK;

    private ChunkHeader() {
    }

    /** The header word of a small chunk at {@code chunk} in {@code block}, size class {@code fidx}. */
    static long small(long chunk, long block, int fidx) {
        return ((chunk - block) << OFFSET_SHIFT) | ((long) fidx << VALUE_SHIFT) | KIND_ASET;
    }

    /** The header word of the one chunk of a dedicated block. */
    static long external(long chunk, long block) {
        return ((chunk - block) << OFFSET_SHIFT) | EXTERNAL_BIT | KIND_ASET;
    }

    static boolean kindValid(long header) {
        return (header & KIND_MASK) == KIND_ASET;
    }

    static boolean isExternal(long header) {
        return (header & EXTERNAL_BIT) != 0;
    }

    /** The freelist index; in a valid small chunk's header 0..10. */
    static int fidx(long header) {
        return (int) ((header >>> VALUE_SHIFT) & VALUE_MASK);
    }

    /** The block a chunk header points back to (right for external chunks too). */
    static long block(long chunk, long header) {
        return chunk - (header >>> OFFSET_SHIFT);
    }
}
