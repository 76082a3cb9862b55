package org.allocbench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One measured cell: {@code allocator} x {@code trace} x {@code metric}, in
 * {@code unit}. Metrics: "replay", ns per op of a replay of the trace through
 * the allocator interface, called from Java op by op (the per-op view);
 * "floor", the per-op view's floors (the replay loop with no allocator, a
 * no-op downcall per op); "wholetrace", the whole trace replayed in C with no
 * FFM call per op, each allocator in a process of its own (the allocator
 * comparison), and real PostgreSQL's AllocSet in a backend;
 * "wholetrace-floor", the C loop with no allocator.
 *
 * <p>{@code samples} are the raw values, one per measured round (lower is
 * better), and {@code sampleForks} the process fork each came from (same
 * length; all 0 for a single-fork run): paired and bootstrap methods resample
 * forks, not rounds, because rounds of one JVM are not independent.
 * {@code median} (the median of the forks' medians) and the
 * {@code ciLow}..{@code ciHigh} interval (95%, of that median) summarise them,
 * {@code interval} says how that interval was made ({@link Interval}: over
 * forks, or within one JVM when there were fewer than 3) and {@code drift}
 * whether the rounds were still moving ({@link Drift}); null when there are
 * no samples (or in runs written before they were recorded). {@code status} is "ok", "failed" (with {@code reason}) or
 * "not-run" (allocator unavailable, with {@code reason}). {@code stats}: the
 * allocator's own statistics at the end of the trace (totalBytes, blocks,
 * freeChunks, freeBytes, usedBytes where known). {@code files}: paths relative
 * to the run directory (raw JMH JSON, .hlog), may be empty. {@code minorFaults}:
 * the replaying threads' minor page faults in each sample's iteration (same
 * length as samples; empty where not counted), read outside the timed region.
 *
 * <p>{@code threads} and {@code processes} (schema 1.2) are dimensions of the
 * cell: replay threads running the trace at once in one process (each with
 * its own context; a malloc peer's heap is the process's), and processes
 * running it at once on one shared segment ({@code allocbench hugepages
 * --processes}). Both are at least 1; runs written before 1.2 read as their
 * settings' threads and 1 process. With {@code processes > 1} a cell's
 * samples are per process and {@code sampleForks} names the process.
 *
 * <p>{@code host} (schema 1.3) is the host that measured the cell, in a run merged from several hosts'
 * runs ({@code allocbench merge}, {@code allocbench fleet}): another dimension, like threads. Null (and not
 * written) in a run of one host.
 */
public record Cell(String allocator, String trace, String metric, String unit, String status, String reason,
        List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
        Map<String, Long> stats, List<String> files, List<Long> minorFaults, Interval interval, Drift drift,
        int threads, int processes, @JsonInclude(JsonInclude.Include.NON_NULL) String host) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String NOT_RUN = "not-run";
    public static final String REPLAY = "replay";
    public static final String FLOOR = "floor";
    public static final String WHOLE_TRACE = "wholetrace";
    public static final String WHOLE_TRACE_FLOOR = "wholetrace-floor";
    public static final String NS_PER_OP = "ns/op";
    /** The process model's metrics (allocbench hugepages --processes; results.json's documentation has each). */
    public static final String SEGMENT_PTE = "segment-pte";
    public static final String VMPTE = "vmpte";
    public static final String PAGE_TABLES = "pagetables";
    public static final String ATTACH = "attach";
    public static final String FIRST_TOUCH = "first-touch";
    public static final String TOUCH_FAULTS = "touch-faults";

    public Cell {
        threads = Math.max(1, threads); // absent in runs before schema 1.2
        processes = Math.max(1, processes);
        samples = RunResults.copyOf("samples", samples);
        sampleForks = RunResults.copyOf("sampleForks", sampleForks);
        if (stats != null && stats.values().stream().anyMatch(java.util.Objects::isNull)) { // Map.of throws on containsValue(null)
            throw new IllegalArgumentException("stats: a value is null");
        }
        stats = stats == null ? Map.of() : Map.copyOf(stats);
        files = RunResults.copyOf("files", files);
        minorFaults = RunResults.copyOf("minorFaults", minorFaults);
        if (sampleForks.size() != samples.size() && !sampleForks.isEmpty()) {
            throw new IllegalArgumentException("sampleForks must be as long as samples");
        }
        if (minorFaults.size() != samples.size() && !minorFaults.isEmpty()) {
            throw new IllegalArgumentException("minorFaults must be as long as samples");
        }
    }

    /** A cell of this host (a run of one host). */
    public Cell(String allocator, String trace, String metric, String unit, String status, String reason,
            List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
            Map<String, Long> stats, List<String> files, List<Long> minorFaults, Interval interval, Drift drift,
            int threads, int processes) {
        this(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh, stats,
                files, minorFaults, interval, drift, threads, processes, null);
    }

    /** A cell of one thread in one process. */
    public Cell(String allocator, String trace, String metric, String unit, String status, String reason,
            List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
            Map<String, Long> stats, List<String> files, List<Long> minorFaults, Interval interval, Drift drift) {
        this(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh, stats,
                files, minorFaults, interval, drift, 1, 1);
    }

    /** This cell measured with {@code threads} replay threads in each of {@code processes} processes. */
    public Cell at(int threadCount, int processCount) {
        return new Cell(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh,
                stats, files, minorFaults, interval, drift, threadCount, processCount, host);
    }

    /** This cell as measured on {@code hostName}, its files found under {@code filesPrefix} (a merged run). */
    public Cell onHost(String hostName, String filesPrefix) {
        return new Cell(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh,
                stats, files.stream().map(f -> filesPrefix + f).toList(), minorFaults, interval, drift, threads,
                processes, hostName);
    }

    /** A cell without a recorded interval method or drift check (older runs, single-value cells). */
    public Cell(String allocator, String trace, String metric, String unit, String status, String reason,
            List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
            Map<String, Long> stats, List<String> files, List<Long> minorFaults) {
        this(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh, stats,
                files, minorFaults, null, null);
    }

    /** Whether the cell's interval may carry a verdict: it resampled forks (not rounds of one process). */
    public boolean intervalOverForks() {
        return interval != null && interval.overForks();
    }

    /** Whether the drift check flagged this cell. */
    public boolean drifted() {
        return drift != null && drift.flagged();
    }

    /** A cell without fault counts. */
    public Cell(String allocator, String trace, String metric, String unit, String status, String reason,
            List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
            Map<String, Long> stats, List<String> files) {
        this(allocator, trace, metric, unit, status, reason, samples, sampleForks, median, ciLow, ciHigh, stats,
                files, List.of());
    }

    /** The median of the per-sample fault counts, or null if none were counted. */
    public Double medianMinorFaults() {
        if (minorFaults.isEmpty()) {
            return null;
        }
        long[] sorted = minorFaults.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? (double) sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** A cell that did not run, with the reason. */
    public static Cell notRun(String allocator, String trace, String metric, String status, String reason) {
        return new Cell(allocator, trace, metric, NS_PER_OP, status, reason, List.of(), List.of(), null, null, null,
                Map.of(), List.of());
    }

    /** Which cell this is, across runs; {@code key().label()} names it: "aset-native x small-churn". */
    public CellKey key() {
        return new CellKey(allocator, trace, metric, threads, processes, host);
    }
}
