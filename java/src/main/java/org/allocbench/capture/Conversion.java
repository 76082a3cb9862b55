package org.allocbench.capture;

/**
 * What converting one recording gave: its source, the ops of the trace by kind, its shape, and everything
 * that was dropped or changed on the way (docs/recording.md says why each is done).
 *
 * @param executable       the recorded program (/proc/self/exe)
 * @param pid              the recorded process
 * @param records          records read from the raw file (repeats skipped)
 * @param duplicates       records skipped as repeats of an exit-time copy
 * @param damage           why the raw file ends early, or null
 * @param exited           whether the process ran its exit handlers (else each thread's last unflushed
 *                         records are missing)
 * @param forks            forks the process made (the children were not recorded)
 * @param allocs           {@code a} ops (malloc, realloc(NULL, n), the aligned allocations)
 * @param zeroed           {@code z} ops (calloc)
 * @param reallocs         {@code r} ops
 * @param frees            {@code f} ops (free, realloc(p, 0))
 * @param contexts         {@code c} ops: one context per trace thread
 * @param slots            the trace's slots
 * @param peakLive         the most chunks live at once
 * @param traceThreads     the trace's threads
 * @param recordedThreads  recorded threads whose ops reached the trace
 * @param reused           recorded threads beyond the 256th given the trace thread of ones that had ended
 * @param folded           recorded threads folded onto a busy trace thread (more than 256 at once)
 * @param aligned          aligned allocations written as plain {@code a} (their alignment is lost)
 * @param maxAlignment     the largest alignment asked for
 * @param zeroSize         size-0 allocations written with size 1
 * @param unknownFrees     frees of pointers never seen allocated (allocated before recording), dropped
 * @param unknownReallocs  reallocs of pointers never seen, written as {@code a} of the new size
 * @param hugeDropped      allocations above 1 GiB - 1 (the format's largest size), dropped with their frees
 * @param lostFrees        pointers handed out again while still live here: their free went unrecorded
 *                         (lost at an abnormal end of a thread), and an {@code f} is written where it shows
 * @param unknownRecords   records of a kind this version does not know, skipped
 * @param bytes            the trace file's size
 */
public record Conversion(String executable, int pid, long records, long duplicates, String damage, boolean exited,
        long forks, long allocs, long zeroed, long reallocs, long frees, long contexts, int slots, long peakLive,
        int traceThreads, int recordedThreads, int reused, int folded, long aligned, long maxAlignment, long zeroSize,
        long unknownFrees, long unknownReallocs, long hugeDropped, long lostFrees, long unknownRecords,
        long bytes) {

    /** Every op of the trace (the directives not counted). */
    public long ops() {
        return allocs + zeroed + reallocs + frees + contexts;
    }
}
