package org.allocbench.measure;

import java.util.Locale;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.replay.TraceReplay;
import org.allocbench.replay.TreeReplayLoop;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;

/**
 * One memory cell: one allocator replaying one trace once, meant to run alone
 * in a fresh JVM ({@link MemoryCellProcess} starts one per cell) so that no other
 * cell's memory is still mapped, cached by malloc or counted in the peak.
 * {@code java ... org.allocbench.measure.MemoryCell ALLOCATOR PATTERN OPS SEED [ends|pages]}
 * prints one line of JSON ({@link MemoryCellResult}) on stdout.
 *
 * <p><b>Touch rule.</b> With {@code ends} (the default) the replay is
 * {@link ReplayLoop}'s, as in the timing benchmarks: the first and last
 * byte of each allocation are written, so the untouched middle pages of large
 * allocations (and of an allocator's fresh blocks) never become resident and
 * RSS under-counts what a program using its memory would hold. With
 * {@code pages} the same loop writes one byte in every 4 KiB of every
 * allocation, so RSS counts all memory handed out.
 *
 * <p>Order of events: the trace is generated and its live bytes computed
 * (a pre-pass, not during the replay); the JVM is warmed up by replays of
 * a tiny trace of the same pattern (other seed, sizes cut to
 * {@link #WARMUP_MAX_SIZE} bytes) through fresh instances of the same allocator
 * ({@link #WARMUP_OPS} ops in all), so the allocator's library is loaded, its code is run and
 * the JVM's class loading is done (no GC: G1 would uncommit heap concurrently,
 * during the replay); then the <em>baseline</em> is read
 * and the peak RSS (VmHWM) reset to it; then a fresh instance is created,
 * the trace replayed once ({@link ReplayLoop}), and just before close
 * the allocator's stats and the <em>end</em> figures are read.
 *
 * <p>The figures ("delta" = end or peak minus the baseline):
 * <ul>
 * <li>{@code peakRssBytes}: VmHWM at the end (absolute, the whole JVM);
 *     {@code peakRssDeltaBytes}: VmHWM at the end minus VmRSS at the baseline
 *     (VmHWM was reset there; if the kernel refused the reset,
 *     {@code peakReset} is false and the VmHWM at the baseline is subtracted,
 *     which under-counts when the JVM had peaked higher before).</li>
 * <li>{@code rssAtEndBytes}, {@code rssDeltaAtEndBytes}: VmRSS at the end,
 *     and minus VmRSS at the baseline.</li>
 * <li>{@code minorFaults}: minflt delta of the whole process (all threads:
 *     JIT and GC included); {@code threadMinorFaults}: of the replaying
 *     thread alone, from /proc/thread-self/stat; each also per op.</li>
 * <li>{@code peakLiveRequestedBytes}, {@code liveRequestedAtEndBytes}: the
 *     sum of the sizes the trace holds live (alloc adds, resize adds new minus
 *     old, free subtracts, reset zeroes), highest over the trace and after its
 *     last op. It is the trace's figure: an allocator that ignores frees
 *     holds more than this, and that shows as overhead.</li>
 * <li>{@code allocatorTotalBytes}: {@link AllocatorStats#totalBytes()} at the
 *     end, bytes the allocator holds from the OS or its underlying allocator;
 *     null when the allocator cannot know it (malloc, jemalloc, mimalloc).</li>
 * <li>{@code overheadRatio}: bytes held per live byte at the end =
 *     {@code allocatorTotalBytes} / {@code liveRequestedAtEndBytes} when the
 *     total is known ({@code overheadSource} "allocator-total": exact, free of
 *     JVM noise), else {@code rssDeltaAtEndBytes} / {@code liveRequestedAtEndBytes}
 *     ("rss-delta": includes memory the JIT, GC and the allocator library
 *     itself took during the replay, and pages already resident are not
 *     counted again). {@code rssPerLiveAtEnd} is always the RSS version, so
 *     all allocators can be compared on it; {@code peakRssPerPeakLive} =
 *     {@code peakRssDeltaBytes} / {@code peakLiveRequestedBytes}, the
 *     worst-moment figure, meaningful also for traces that end with a reset.
 *     A ratio over zero live bytes is null.</li>
 * <li>{@code javaHeapUsedBytes}: the Java heap in use at the end (total minus
 *     free memory), and its delta over the baseline, to show the JVM's own share.</li>
 * <li>{@code replayNanos}: wall time of create + replay (one cold run; not a speed figure).</li>
 * </ul>
 */
public final class MemoryCell {

    /**
     * Ops replayed in warm-up before the baseline, in rounds of a tiny trace (ops/100 ops, clamped to
     * 100..1000, at most ops), each through a fresh instance: enough that the JIT has compiled the replay loop, whose
     * compilation would otherwise add megabytes of code cache and compiler memory to the measured RSS.
     */
    static final int WARMUP_OPS = 60_000;

    /**
     * Warm-up sizes are cut to this: the same op kinds and slots as the pattern, but memory an allocator keeps
     * after the warm-up (malloc's free lists, glibc's raised mmap threshold after a large free) stays small, so
     * the measured replay cannot reuse megabytes the warm-up made resident.
     */
    static final long WARMUP_MAX_SIZE = 128;

    private MemoryCell() {
    }

    /** The exit status of a cell the allocator cannot replay by design ({@link NotApplicable}). */
    static final int NOT_APPLICABLE_EXIT = 3;
    /** The stdout line that carries its reason. */
    static final String NOT_RUN_MARK = "not-run: ";

    public static void main(String[] args) {
        if (args.length < 4 || args.length > 6) {
            System.err.println("usage: MemoryCell ALLOCATOR TRACE OPS SEED [ends|pages [SHA256]]");
            System.exit(2);
        }
        MemoryCellResult result;
        try {
            // a file is re-read here and must have the parent's digest: both replay the same bytes
            Workload trace = Workloads.resolveVerified(args[1], args.length == 6 ? args[5] : null);
            result = run(args[0], trace, Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    args.length >= 5 ? touchPages(args[4]) : false);
        } catch (NotApplicable e) {
            // by design, not a failure: the parent reads the reason from stdout
            System.out.println(NOT_RUN_MARK + e.getMessage());
            System.out.flush();
            System.exit(NOT_APPLICABLE_EXIT);
            return;
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("memory cell " + args[0] + " x " + args[1] + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(result.toJson());
        System.out.flush();
    }

    /** "pages" is true, "ends" false, anything else an error. */
    static boolean touchPages(String touch) {
        return switch (touch) {
            case "pages" -> true;
            case "ends" -> false;
            default -> throw new IllegalArgumentException("touch rule must be ends or pages, not \"" + touch + "\"");
        };
    }

    /** Runs one cell in this JVM (fresh only if the caller made it so), with the trace format's touch rule. */
    public static MemoryCellResult run(String allocatorName, Pattern pattern, int opCount, long seed) {
        return run(allocatorName, pattern, opCount, seed, false);
    }

    /** Runs one cell in this JVM; {@code touchPages} writes every page of every allocation, not only its ends. */
    public static MemoryCellResult run(String allocatorName, Pattern pattern, int opCount, long seed,
            boolean touchPages) {
        return run(allocatorName, Workloads.builtin(pattern.patternName()), opCount, seed, touchPages);
    }

    /**
     * Runs one cell of a workload in this JVM; a trace file replays its own ops ({@code opCount} and
     * {@code seed} only shape a built-in), warmed up by its own ops with sizes clamped.
     */
    public static MemoryCellResult run(String allocatorName, Workload workload, int opCount, long seed,
            boolean touchPages) {
        if (opCount < 1) {
            throw new IllegalArgumentException("ops must be at least 1, not " + opCount);
        }
        AllocatorFactory factory = Allocators.byName(allocatorName);
        if (!factory.availability().available()) {
            throw new IllegalStateException("allocator " + allocatorName + " is unavailable: "
                    + factory.availability().reason());
        }
        OpSequence ops = workload.load(opCount, seed);
        TraceReplay loop = touchPages ? TraceReplay.touchingEveryPage(ops) : TraceReplay.of(ops);
        long[] live = liveBytes(ops);

        OpSequence warm = clampSizes(workload.builtin()
                ? workload.load(Math.min(opCount, Math.clamp(opCount / 100, 100, 1000)), seed + 1) : ops,
                WARMUP_MAX_SIZE);
        try (TraceReplay warmLoop = touchPages ? TraceReplay.touchingEveryPage(warm) : TraceReplay.of(warm)) {
            for (int done = 0; done < WARMUP_OPS; done += Math.max(1, warm.length())) {
                warmLoop.iteration(factory::create);
            }
        }
        try (Allocator probe = factory.create()) {
            loop.prepare(probe.capabilities()); // a version 2 trace's waits are worked out before the baseline
        }
        // No System.gc() here: G1 uncommits the heap it shrinks concurrently, which would make RSS fall during
        // the replay. The replay allocates next to nothing on the heap, so no GC runs there either.

        Runtime rt = Runtime.getRuntime();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        ProcSelf.Snapshot base = ProcSelf.read();
        boolean peakReset = ProcSelf.resetPeak();
        long start = System.nanoTime();
        ProcSelf.Snapshot end;
        AllocatorStats stats;
        long replayNanos;
        try (loop; Allocator a = factory.create()) {
            loop.replay(a);
            replayNanos = System.nanoTime() - start;
            end = ProcSelf.read();
            stats = a.stats();
            loop.end(a);
        }
        long heapEnd = rt.totalMemory() - rt.freeMemory();

        long peakDelta = Math.max(0, end.hwmBytes() - (peakReset ? base.rssBytes() : base.hwmBytes()));
        long rssDelta = end.rssBytes() - base.rssBytes();
        long faults = end.minorFaults() - base.minorFaults();
        long threadFaults = end.threadMinorFaults() - base.threadMinorFaults();
        long peakLive = live[0];
        long liveAtEnd = live[1];
        Long total = stats.totalBytes().isPresent() ? stats.totalBytes().getAsLong() : null;
        return new MemoryCellResult(allocatorName, workload.name(), ops.length(), seed,
                touchPages ? "pages" : "ends", peakReset,
                base.rssBytes(), end.hwmBytes(), peakDelta, end.rssBytes(), rssDelta,
                faults, (double) faults / opCount, threadFaults, (double) threadFaults / opCount,
                peakLive, liveAtEnd, total,
                ratio(total != null ? total : rssDelta, liveAtEnd), total != null ? "allocator-total" : "rss-delta",
                ratio(rssDelta, liveAtEnd), ratio(peakDelta, peakLive),
                heapEnd, heapEnd - heapBefore, replayNanos);
    }

    /** The same ops with every size above {@code max} cut to {@code max}. */
    static OpSequence clampSizes(OpSequence ops, long max) {
        long[] encoded = new long[ops.length()];
        for (int i = 0; i < encoded.length; i++) {
            byte kind = ops.kind(i);
            boolean sized = kind == OpSequence.ALLOC || kind == OpSequence.ALLOC_ZEROED || kind == OpSequence.REALLOC;
            encoded[i] = OpSequence.encode(kind, ops.slot(i), sized ? Math.min(ops.size(i), max) : 0);
        }
        return new OpSequence(ops.name(), ops.slots(), encoded, ops.placement());
    }

    /**
     * {peak, at end} of the bytes the trace holds live: alloc adds its size,
     * resize adds new minus old, free subtracts, reset zeroes every slot.
     */
    static long[] liveBytes(OpSequence ops) {
        if (ops.placement() != null) {
            try (TreeReplayLoop tree = TreeReplayLoop.inTraceOrder(ops)) {
                return tree.liveBytes(); // a reset or delete releases only its subtree's chunks
            }
        }
        long[] size = new long[ops.slots()];
        int[] generation = new int[ops.slots()]; // a slot's size counts only if set since the last reset
        int gen = 0;
        long live = 0;
        long peak = 0;
        for (int i = 0, n = ops.length(); i < n; i++) {
            int slot = ops.slot(i);
            byte kind = ops.kind(i);
            if (kind == OpSequence.RESET) {
                gen++;
                live = 0;
                continue;
            }
            long old = generation[slot] == gen ? size[slot] : 0;
            long now = switch (kind) {
                case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED, OpSequence.REALLOC -> ops.size(i);
                case OpSequence.FREE -> 0;
                default -> throw new IllegalStateException(String.format(Locale.ROOT,
                        "unknown op kind %d at op %d", kind, i));
            };
            size[slot] = now;
            generation[slot] = gen;
            live += now - old;
            peak = Math.max(peak, live);
        }
        return new long[] {peak, live};
    }

    private static double ratio(long numerator, long denominator) {
        return denominator > 0 ? (double) numerator / denominator : Double.NaN;
    }
}
