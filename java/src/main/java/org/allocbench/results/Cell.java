package org.allocbench.results;

import java.util.List;
import java.util.Map;

/**
 * One measured cell: {@code allocator} x {@code trace} x {@code metric}
 * ("replay": ns per op of a whole replay of the trace; "floor": the harness
 * floor's; other metrics may follow), in {@code unit}.
 *
 * <p>{@code samples} are the raw values, one per measured round (lower is
 * better), and {@code sampleForks} the process fork each came from (same
 * length; all 0 for a single-fork run): paired and bootstrap methods resample
 * forks, not rounds, because rounds of one JVM are not independent.
 * {@code median} and the {@code ciLow}..{@code ciHigh} interval (95%, of the
 * median, bootstrap over forks or rounds) summarise them; null when there are
 * no samples. {@code status} is "ok", "failed" (with {@code reason}) or
 * "not-run" (allocator unavailable, with {@code reason}). {@code stats}: the
 * allocator's own statistics at the end of the trace (totalBytes, blocks,
 * freeChunks, freeBytes, usedBytes where known). {@code files}: paths relative
 * to the run directory (raw JMH JSON, .hlog), may be empty.
 */
public record Cell(String allocator, String trace, String metric, String unit, String status, String reason,
        List<Double> samples, List<Integer> sampleForks, Double median, Double ciLow, Double ciHigh,
        Map<String, Long> stats, List<String> files) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String NOT_RUN = "not-run";
    public static final String REPLAY = "replay";
    public static final String FLOOR = "floor";
    public static final String NS_PER_OP = "ns/op";

    public Cell {
        samples = samples == null ? List.of() : List.copyOf(samples);
        sampleForks = sampleForks == null ? List.of() : List.copyOf(sampleForks);
        stats = stats == null ? Map.of() : Map.copyOf(stats);
        files = files == null ? List.of() : List.copyOf(files);
        if (sampleForks.size() != samples.size() && !sampleForks.isEmpty()) {
            throw new IllegalArgumentException("sampleForks must be as long as samples");
        }
    }

    /** A cell that did not run, with the reason. */
    public static Cell notRun(String allocator, String trace, String metric, String status, String reason) {
        return new Cell(allocator, trace, metric, NS_PER_OP, status, reason, List.of(), List.of(), null, null, null,
                Map.of(), List.of());
    }

    /** "aset-native x small-churn". */
    public String key() {
        return allocator + " x " + trace + (metric.equals(REPLAY) ? "" : " (" + metric + ")");
    }
}
