package org.allocbench.alloc;

import java.util.OptionalLong;

/**
 * What an allocator instance holds, in PostgreSQL's MemoryContextCounters
 * terms: total bytes held from the OS (or the underlying allocator), blocks,
 * free chunks and bytes on its freelists and in unused block space, used =
 * total - free. A figure the allocator cannot know is empty, not guessed.
 */
public record AllocatorStats(OptionalLong totalBytes, OptionalLong blocks, OptionalLong freeChunks,
        OptionalLong freeBytes, OptionalLong usedBytes) {

    /** Nothing known. */
    public static final AllocatorStats UNKNOWN = new AllocatorStats(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** All five figures known. */
    public static AllocatorStats of(long totalBytes, long blocks, long freeChunks, long freeBytes, long usedBytes) {
        return new AllocatorStats(OptionalLong.of(totalBytes), OptionalLong.of(blocks), OptionalLong.of(freeChunks),
                OptionalLong.of(freeBytes), OptionalLong.of(usedBytes));
    }

    /** A native context's counters (both AllocSet layouts report them). */
    public static AllocatorStats of(org.allocbench.nativecore.MemoryContextCounters c) {
        return of(c.totalBytes(), c.blocks(), c.freeChunks(), c.freeBytes(), c.usedBytes());
    }

    /** Only the total held is known (used and free are not). */
    public static AllocatorStats totalOnly(long totalBytes) {
        return new AllocatorStats(OptionalLong.of(totalBytes), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty());
    }

    @Override
    public String toString() {
        return show(totalBytes) + " total in " + show(blocks) + " blocks; " + show(freeBytes) + " free ("
                + show(freeChunks) + " chunks); " + show(usedBytes) + " used";
    }

    private static String show(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "?";
    }
}
