package org.allocbench.nativecore;

/**
 * One row of a context listing, with the columns of PostgreSQL's
 * {@code pg_backend_memory_contexts} view (versions 14 to 17): name, ident,
 * parent, level, total_bytes, total_nblocks, free_bytes, free_chunks,
 * used_bytes. {@code level} is 0 for the context the listing starts at;
 * {@code parent} is null for a root context.
 */
public record MemoryContextRow(String name, String ident, String parent, int level, MemoryContextCounters counters) {

    /** The view truncates identifiers at this many bytes. */
    public static final int IDENT_LIMIT = 1024;

    public MemoryContextRow {
        if (ident != null && ident.length() > IDENT_LIMIT) {
            ident = ident.substring(0, IDENT_LIMIT);
        }
    }

    public long totalBytes() {
        return counters.totalBytes();
    }

    public long totalBlocks() {
        return counters.blocks();
    }

    public long freeBytes() {
        return counters.freeBytes();
    }

    public long freeChunks() {
        return counters.freeChunks();
    }

    public long usedBytes() {
        return counters.usedBytes();
    }
}
