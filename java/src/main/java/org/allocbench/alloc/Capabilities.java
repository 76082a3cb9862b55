package org.allocbench.alloc;

/**
 * What an allocator can do, so replayers adapt and results say so instead of
 * silently comparing different work.
 *
 * @param individualFree {@code free} releases one allocation (false: frees are skipped, memory stays until reset;
 *                       such allocators do less work than the others and are reported apart, never ranked)
 * @param nativeResize   resize is the allocator's own (realloc, repalloc); false: allocate, copy, free
 * @param bulkReset      reset and close release every allocation at once (a context's reset and delete, a heap's
 *                       destroy); false (malloc and friends): they release none of the caller's allocations, so
 *                       the caller frees what is live first, as the replay loop does; {@link Allocator#checked()}
 *                       tracks the live set and does it for you
 * @param reportsStats   {@link Allocator#stats()} has real figures (at least total bytes)
 * @param alignment      the alignment every allocation is guaranteed to have
 * @param note           one line for results when something is emulated or missing, or empty
 * @param contextTree    {@link Allocator#child} makes real child contexts (an AllocSet's tree: a reset deletes the
 *                       children, a delete the descendants, as PostgreSQL's mcxt does); false: it throws, and a
 *                       version 2 replay emulates each context by its live chunks
 * @param sharing        which threads may use an instance (and its children): what a replay of a trace of
 *                       several threads must order for it (docs/trace-format.md, "Threads and order")
 */
public record Capabilities(boolean individualFree, boolean nativeResize, boolean bulkReset, boolean reportsStats,
        long alignment, String note, boolean contextTree, Sharing sharing) {

    /** Which threads may use one instance, and how many at once. */
    public enum Sharing {
        /** Any threads, at once: malloc and its peers (thread-safe). */
        CONCURRENT,
        /**
         * Any thread, but one at a time per context; different contexts of one tree at once (an AllocSet on
         * malloc: a context is single-threaded, its blocks come from a thread-safe malloc).
         */
        PER_CONTEXT,
        /**
         * Any thread, but one at a time for the instance and all its children (its state is shared and not
         * thread-safe: a block source on a segment, a table of handles).
         */
        SERIAL,
        /** Only the thread that created the instance, or first used it (confined arenas, thread-owned heaps). */
        OWNER
    }

    public Capabilities {
        java.util.Objects.requireNonNull(note, "note");
        java.util.Objects.requireNonNull(sharing, "sharing");
    }

    /** An allocator without child contexts, usable by its owner thread only (the conservative default). */
    public Capabilities(boolean individualFree, boolean nativeResize, boolean bulkReset, boolean reportsStats,
            long alignment, String note) {
        this(individualFree, nativeResize, bulkReset, reportsStats, alignment, note, false, Sharing.OWNER);
    }

    /** The same capabilities with {@code sharing} instead. */
    public Capabilities withSharing(Sharing newSharing) {
        return new Capabilities(individualFree, nativeResize, bulkReset, reportsStats, alignment, note, contextTree,
                newSharing);
    }
}
