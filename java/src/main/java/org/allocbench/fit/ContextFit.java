package org.allocbench.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.results.Cell;
import org.allocbench.trace.OpSequence;

/**
 * One trace through every lane of {@code allocbench fit}: the whole-trace C
 * replay ({@link WholeTraceRunner}) in a fresh process per lane and fork, one
 * untimed warm-up iteration, then the iterations asked for; per lane a
 * {@link Cell} of metric {@value #METRIC} with the per-iteration ns/op as
 * samples (by fork) and the memory figures as stats:
 * <ul>
 * <li>{@value #PEAK}: the peak RSS the replay added to its process (VmHWM less
 * VmRSS before it), which every lane has, contexts and malloc alike;</li>
 * <li>{@value #RETAINED}: what the process still held after the last
 * iteration released everything (memory its allocator kept);</li>
 * <li>{@value #PEAK_LIVE}: the most bytes the trace itself has live at once,
 * the floor any allocator's peak is measured against;</li>
 * <li>{@value #CONTEXT_TOTAL}: for the context kinds, the root's total bytes
 * just before the last delete (PostgreSQL's statistics).</li>
 * </ul>
 * A kind that cannot replay the trace (a pfree on Bump, sizes that vary on
 * Slab) is a not-run cell with the runner's reason, never a silent gap.
 */
public final class ContextFit {

    public static final String METRIC = "fit";
    public static final String PEAK = "peakBytes";
    public static final String RETAINED = "retainedBytes";
    public static final String PEAK_LIVE = "peakLiveBytes";
    public static final String CONTEXT_TOTAL = "contextTotalBytes";

    /** The context kinds first (AllocSet the reference), then the malloc peers. */
    public static final List<WholeTraceLane> LANES = List.of(WholeTraceLane.ASET, WholeTraceLane.GENERATION,
            WholeTraceLane.SLAB, WholeTraceLane.BUMP, WholeTraceLane.GLIBC, WholeTraceLane.JEMALLOC,
            WholeTraceLane.MIMALLOC, WholeTraceLane.TCMALLOC);

    private ContextFit() {
    }

    /** Whether a lane is one of PostgreSQL's context kinds (as opposed to a malloc peer). */
    public static boolean isContextKind(String laneName) {
        return laneName.equals(WholeTraceLane.ASET.laneName())
                || WholeTraceLane.OTHER_CONTEXT_KINDS.stream().anyMatch(l -> l.laneName().equals(laneName));
    }

    /**
     * The trace through every lane of {@link #LANES}, {@code forks} rounds: each round runs every lane once, a
     * fresh process each, in an order rotated by one lane per round, so a slow minute of the host is spread
     * over the lanes instead of landing on one. A lane's cell has every fork's iterations as samples; its
     * median is the median of the forks' medians, its peak and retained memory the median of the forks'.
     * A lane that cannot run (not installed, not applicable, failed) is asked once and not again.
     */
    public static List<Cell> measure(OpSequence trace, long peakLiveBytes, int iterations, int forks,
            Consumer<String> progress) {
        int n = LANES.size();
        List<List<LaneResult>> results = new ArrayList<>();
        Cell[] refused = new Cell[n];
        for (int i = 0; i < n; i++) {
            results.add(new ArrayList<>());
        }
        for (int fork = 0; fork < forks; fork++) {
            for (int step = 0; step < n; step++) {
                int i = (step + fork) % n;
                if (refused[i] != null) {
                    continue;
                }
                WholeTraceLane lane = LANES.get(i);
                progress.accept(lane.laneName() + " x " + trace.name() + " (fork " + (fork + 1) + " of " + forks
                        + ")");
                Object r = once(lane, trace, iterations);
                if (r instanceof Cell c) {
                    refused[i] = c;
                } else {
                    results.get(i).add((LaneResult) r);
                }
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cells.add(refused[i] != null ? refused[i] : cell(LANES.get(i), trace, peakLiveBytes, results.get(i)));
        }
        return cells;
    }

    /** One process of one lane: its result, or the not-run or failed cell that says why there is none. */
    private static Object once(WholeTraceLane lane, OpSequence trace, int iterations) {
        String name = lane.laneName();
        String unavailable = lane.unavailableReason();
        if (unavailable != null) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.NOT_RUN, unavailable);
        }
        try {
            return WholeTraceRunner.run(lane, List.of(trace), iterations + 1).get(0).from(1);
        } catch (NotApplicable e) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.NOT_RUN, e.getMessage());
        } catch (WholeTraceRunner.RunnerException e) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.FAILED, e.getMessage());
        }
    }

    private static Cell cell(WholeTraceLane lane, OpSequence trace, long peakLiveBytes, List<LaneResult> forks) {
        List<Double> samples = new ArrayList<>();
        List<Integer> sampleForks = new ArrayList<>();
        List<Long> faults = new ArrayList<>();
        double[] medians = new double[forks.size()];
        long[] peaks = new long[forks.size()];
        long[] retained = new long[forks.size()];
        for (int f = 0; f < forks.size(); f++) {
            LaneResult r = forks.get(f);
            for (long ns : r.nsPerIteration()) {
                samples.add((double) ns / r.ops());
                sampleForks.add(f);
            }
            Arrays.stream(r.minorFaults()).forEach(faults::add);
            medians[f] = r.medianNsPerOp();
            LaneResult.RunnerProcess p = r.process();
            peaks[f] = p == null ? 0 : Math.max(0, p.peakRssBytes() - p.baseRssBytes());
            retained[f] = p == null ? 0 : Math.max(0, p.rssBytes() - p.baseRssBytes());
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put(PEAK, Math.round(median(Arrays.stream(peaks).asDoubleStream().toArray())));
        stats.put(RETAINED, Math.round(median(Arrays.stream(retained).asDoubleStream().toArray())));
        stats.put(PEAK_LIVE, peakLiveBytes);
        LaneResult last = forks.get(forks.size() - 1);
        if (last.counters() != null) {
            stats.put(CONTEXT_TOTAL, last.counters().totalBytes());
        }
        return new Cell(lane.laneName(), trace.name(), METRIC, Cell.NS_PER_OP, Cell.OK, null, samples, sampleForks,
                median(medians), null, null, stats, List.of(), faults);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
