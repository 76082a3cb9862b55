package org.allocbench.nativecore;

/**
 * The three size parameters of an AllocSet: the keeper block's minimum size
 * ({@code 0} = use {@code initBlockSize}), the first block size, and the cap
 * that block sizes double up to. The presets are PostgreSQL's
 * {@code ALLOCSET_*_SIZES}. The native library validates the values on create
 * (initBlockSize a multiple of 8 and at least 1024, maxBlockSize at least
 * that and below 1 GiB, minContextSize 0 or a multiple of 8 in [1024, max]).
 */
public record AllocSetSizes(long minContextSize, long initBlockSize, long maxBlockSize) {

    /** (0, 8 KB, 8 MB): most contexts. */
    public static final AllocSetSizes DEFAULT = new AllocSetSizes(0, 8 * 1024, 8 * 1024 * 1024);
    /** (0, 1 KB, 8 KB): contexts that stay small. */
    public static final AllocSetSizes SMALL = new AllocSetSizes(0, 1024, 8 * 1024);
    /** (0, 1 KB, 8 MB): start small, may grow large. */
    public static final AllocSetSizes START_SMALL = new AllocSetSizes(0, 1024, 8 * 1024 * 1024);
}
