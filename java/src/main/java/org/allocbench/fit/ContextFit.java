package org.allocbench.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.results.Cell;
import org.allocbench.trace.OpSequence;

/**
 * One trace through one lane of {@code allocbench fit}: the whole-trace C replay
 * ({@link WholeTraceRunner}) in a fresh process, one untimed warm-up iteration,
 * then the iterations asked for; a {@link Cell} of metric {@value #METRIC} with
 * the per-iteration ns/op as samples and the memory figures as stats:
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

    /** The trace through the lane: an ok cell, or not-run (unavailable, not applicable), or failed. */
    public static Cell measure(WholeTraceLane lane, OpSequence trace, long peakLiveBytes, int iterations) {
        String name = lane.laneName();
        String unavailable = lane.unavailableReason();
        if (unavailable != null) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.NOT_RUN, unavailable);
        }
        LaneResult r;
        try {
            r = WholeTraceRunner.run(lane, List.of(trace), iterations + 1).get(0).from(1);
        } catch (NotApplicable e) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.NOT_RUN, e.getMessage());
        } catch (WholeTraceRunner.RunnerException e) {
            return Cell.notRun(name, trace.name(), METRIC, Cell.FAILED, e.getMessage());
        }
        List<Double> samples = new ArrayList<>();
        for (long ns : r.nsPerIteration()) {
            samples.add((double) ns / r.ops());
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        LaneResult.RunnerProcess p = r.process();
        stats.put(PEAK, p == null ? 0 : Math.max(0, p.peakRssBytes() - p.baseRssBytes()));
        stats.put(RETAINED, p == null ? 0 : Math.max(0, p.rssBytes() - p.baseRssBytes()));
        stats.put(PEAK_LIVE, peakLiveBytes);
        if (r.counters() != null) {
            stats.put(CONTEXT_TOTAL, r.counters().totalBytes());
        }
        int[] forks = new int[samples.size()]; // one process: every sample from fork 0
        return new Cell(name, trace.name(), METRIC, Cell.NS_PER_OP, Cell.OK, null, samples,
                Arrays.stream(forks).boxed().toList(), r.medianNsPerOp(), null, null, stats, List.of(),
                Arrays.stream(r.minorFaults()).boxed().toList());
    }
}
