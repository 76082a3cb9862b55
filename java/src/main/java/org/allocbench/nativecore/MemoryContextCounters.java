package org.allocbench.nativecore;

/**
 * What a memory context holds, as PostgreSQL's {@code MemoryContextCounters}
 * defines it: {@code totalBytes} taken from the block source (malloc),
 * {@code freeBytes} unused in blocks plus chunks on freelists, and
 * {@code usedBytes = totalBytes - freeBytes}.
 */
public record MemoryContextCounters(long blocks, long freeChunks, long totalBytes, long freeBytes, long usedBytes) {

    /** PostgreSQL's wording: {@code T total in N blocks; F free (C chunks); U used}. */
    @Override
    public String toString() {
        return totalBytes + " total in " + blocks + " blocks; " + freeBytes + " free (" + freeChunks + " chunks); "
                + usedBytes + " used";
    }
}
