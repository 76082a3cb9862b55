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
 */
public record Capabilities(boolean individualFree, boolean nativeResize, boolean bulkReset, boolean reportsStats,
        long alignment, String note) {
}
