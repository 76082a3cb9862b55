package org.allocbench.alloc;

/**
 * What an allocator can do, so replayers adapt and results say so instead of
 * silently comparing different work.
 *
 * @param individualFree {@code free} releases one allocation (false: frees are skipped, memory stays until reset)
 * @param nativeResize   resize is the allocator's own (realloc, repalloc); false: allocate, copy, free
 * @param bulkReset      reset is the allocator's own bulk release; false: it frees its tracked live set one by one
 * @param reportsStats   {@link Allocator#stats()} has real figures (at least total bytes)
 * @param alignment      the alignment every allocation is guaranteed to have
 * @param note           one line for results when something is emulated or missing, or empty
 */
public record Capabilities(boolean individualFree, boolean nativeResize, boolean bulkReset, boolean reportsStats,
        long alignment, String note) {
}
