package org.allocbench.campaign;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.bench.ReplayBenchmark;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.pg.PgTraceSupport;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.TraceReplay;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.results.Cell;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.CellSummary;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Workload;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The {@value Campaign#JMH} method: one JMH run per fork of each per-op cell, in-process
 * through {@link Runner} (JMH forks the JVM): {@link ReplayBenchmark} for
 * every allocator x trace (and {@code floor}, the loop with no allocator).
 * Within a trace the forks are interleaved across lanes (fork 1 of every lane,
 * then fork 2, each round in a rotated order), so host drift is shared by the
 * lanes a ratio compares, as in the interleaved method.
 * The whole-trace C lanes run as in the interleaved method, a fresh runner
 * process per lane and fork ({@link WholeTraceRunner}; JMH cannot preload an
 * allocator into its forks), with the JMH forks' count; pg15-real is timed in
 * the backend, warmed first. Each per-op cell's raw JMH JSON and text output
 * are kept in {@code jmh/} (a pair per fork); samples are the raw per-iteration scores of every
 * fork, {@code sampleForks} the fork index. The allocator's statistics at the
 * end of the trace come from one more replay in this JVM.
 */
public final class JmhRunner {


    private final Campaign campaign;
    private final Path runDir;
    private final Progress progress;
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final List<Cell> cells = new ArrayList<>();

    public JmhRunner(Campaign campaign, Path runDir, Progress progress) {
        this.campaign = campaign;
        this.runDir = runDir;
        this.progress = progress;
    }

    public Map<String, String> notes() {
        return notes;
    }

    public long units() {
        return (long) perTrace() * campaign.traces().size();
    }

    /** Steps per trace: each fork of a per-op lane is one (a JMH run of its own), a whole-trace lane one. */
    private int perTrace() {
        return (InterleavedRunner.allocators(campaign).size() + (campaign.floors() ? 1 : 0)) * campaign.jmh().forks()
                + (campaign.wholeTrace() ? wholeTraceLanes().size() + 1 : 0);
    }

    private List<WholeTraceLane> wholeTraceLanes() {
        return WholeTraceLane.all().stream().filter(l -> l == WholeTraceLane.FLOOR ? campaign.floors()
                : campaign.allocators() == null || campaign.allocators().contains(l.perOpName())).toList();
    }

    public void run(InterleavedRunner.Sink sink) {
        List<AllocatorFactory> factories = InterleavedRunner.allocators(campaign);
        int total = perTrace() * campaign.traces().size();
        int cell = 0;
        String pgMissing = !campaign.wholeTrace() ? null
                : campaign.postgres() ? PgInstallation.unavailableReason() : "skipped (--no-postgres)";
        PgCluster cluster = null;
        try {
            for (String trace : campaign.traces()) {
                OpSequence ops = campaign.workload(trace).load(PerOpLanes.JMH_TRACE_OPS, campaign.seed());
                List<String> row = new ArrayList<>(factories.stream().map(AllocatorFactory::name).toList());
                if (campaign.floors()) {
                    row.add(InterleavedRunner.FLOOR);
                }
                List<String> runnable = new ArrayList<>();
                for (String lane : row) {
                    String metric = metricOf(lane);
                    String missing = PerOpLanes.unavailableReason(lane);
                    String byDesign = missing == null ? cannotReplay(lane, ops) : null;
                    if (missing != null || byDesign != null) {
                        cell += campaign.jmh().forks();
                        add(sink, Cell.notRun(lane, trace, metric, Cell.NOT_RUN, missing != null ? missing : byDesign));
                    } else {
                        runnable.add(lane);
                    }
                }
                // Forks interleaved, as the interleaved runner's: fork 1 of every lane, then fork 2 ..., each round
                // in a rotated order. JMH would run a cell's forks back to back, and a slow stretch of a shared host
                // then lands on one lane's forks and not on the lane it is compared with (seen: 1.74x one run, 1.1x
                // in runs alternated by hand, same jar and trace).
                Map<String, JmhForks> forks = new LinkedHashMap<>();
                for (int fork = 0; fork < campaign.jmh().forks(); fork++) {
                    for (int k = 0; k < runnable.size(); k++) {
                        String lane = runnable.get((k + fork) % runnable.size());
                        JmhForks acc = forks.computeIfAbsent(lane, l -> new JmhForks());
                        cell++;
                        if (acc.failure == null) {
                            progress.step(cell, total, trace, "x " + lane + " (JMH ReplayBenchmark, fork " + (fork + 1)
                                    + " of " + campaign.jmh().forks() + ")");
                            jmhFork(acc, ReplayBenchmark.class, "allocator", lane, lane, trace, fork);
                        }
                    }
                }
                for (String lane : runnable) {
                    add(sink, forks.get(lane).cell(lane, trace, metricOf(lane), () -> allocatorStats(lane, ops)));
                }
                if (!campaign.wholeTrace()) {
                    continue;
                }
                for (WholeTraceLane lane : wholeTraceLanes()) {
                    cell++;
                    progress.step(cell, total, trace, "x " + lane.laneName() + " (a process per fork)");
                    add(sink, wholeTraceCell(lane, ops));
                }
                cell++;
                String pgCannot = pgMissing == null ? PgTraceSupport.cannotReplay(ops) : null;
                if (pgCannot != null) {
                    add(sink, Cell.notRun(InterleavedRunner.PG15_REAL, trace, Cell.WHOLE_TRACE, Cell.NOT_RUN,
                            InterleavedRunner.PG15_REAL + ": " + pgCannot));
                    continue;
                }
                if (pgMissing == null && cluster == null) {
                    try {
                        cluster = PgCluster.start(PgInstallation.require());
                    } catch (RuntimeException e) {
                        pgMissing = "could not start a throwaway PostgreSQL 15 cluster: " + e.getMessage();
                    }
                }
                if (pgMissing != null) {
                    add(sink, Cell.notRun(InterleavedRunner.PG15_REAL, trace, Cell.WHOLE_TRACE, Cell.NOT_RUN,
                            pgMissing));
                    continue;
                }
                progress.step(cell, total, trace, "x " + InterleavedRunner.PG15_REAL + " (in the backend)");
                add(sink, pgCell(cluster, ops));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private void add(InterleavedRunner.Sink sink, Cell c) {
        cells.add(c);
        sink.cells(cells);
    }

    private interface StatsProbe {
        Map<String, Long> get();
    }

    private static String metricOf(String lane) {
        return lane.equals(InterleavedRunner.FLOOR) ? Cell.FLOOR : Cell.REPLAY;
    }

    /** One lane's JMH forks as they come in: its samples (ns per op), their fork, faults and files. */
    private final class JmhForks {
        final List<Double> samples = new ArrayList<>();
        final List<Integer> forks = new ArrayList<>();
        final List<Long> faults = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        /** Why a fork failed (the lane's later forks are not run), or null. */
        String failure;

        Cell cell(String allocator, String trace, String metric, StatsProbe probe) {
            if (failure == null && samples.isEmpty()) {
                failure = "JMH returned no iterations (see " + files.get(files.size() - 1) + ")";
            }
            if (failure != null) {
                return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.FAILED, failure, List.of(), List.of(),
                        null, null, null, Map.of(), List.copyOf(files));
            }
            Map<String, Long> stats;
            try {
                stats = probe.get();
            } catch (RuntimeException e) {
                stats = Map.of();
            }
            return CellSummary.of(Bootstrap.DEFAULT, allocator, trace, metric, Cell.NS_PER_OP, null, samples, forks,
                    stats, List.copyOf(files), faults.contains(-1L) ? List.of() : faults);
        }
    }

    /**
     * One JMH fork of a lane ({@code forks(1)}), its files {@code jmh/LANE__TRACE.json} and {@code .txt} (with
     * {@code -forkN} before the extension when the campaign has more than one), its iterations added to
     * {@code acc} as fork {@code fork}.
     */
    private void jmhFork(JmhForks acc, Class<?> benchmark, String paramName, String paramValue, String allocator,
            String trace, int fork) {
        String stem = allocator + "__" + trace + (campaign.jmh().forks() > 1 ? "-fork" + (fork + 1) : "");
        Path jmhDir = runDir.resolve("jmh");
        Path json = jmhDir.resolve(stem + ".json");
        Path text = jmhDir.resolve(stem + ".txt");
        acc.files.add(runDir.relativize(json).toString());
        acc.files.add(runDir.relativize(text).toString());
        try {
            Files.createDirectories(jmhDir);
            Campaign.Jmh j = campaign.jmh();
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + benchmark.getName().replace(".", "\\.") + "\\.replay$")
                    .param(paramName, paramValue)
                    // a file goes by absolute path and digest: the fork re-reads it and checks it is the same
                    .param("trace", campaign.workload(trace).spec())
                    .param("traceSha256", ReplayBenchmark.traceDigest(campaign.workload(trace).sha256()))
                    .param("seed", Long.toString(campaign.seed()))
                    .forks(1)
                    .warmupIterations(j.warmupIterations())
                    .measurementIterations(j.iterations())
                    .warmupTime(TimeValue.fromString(j.time()))
                    .measurementTime(TimeValue.fromString(j.time()))
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.NORMAL)
                    .output(text.toString())
                    .result(json.toString())
                    .resultFormat(ResultFormatType.JSON);
            Collection<RunResult> results = new Runner(options.build()).run();
            // ReplayBenchmark divides by OPS; a file replays its own op count, so bring its score to ns per op
            Workload w = campaign.workload(trace);
            int length = w.builtin() ? PerOpLanes.JMH_TRACE_OPS : w.load(0, 0).length();
            double scale = length == 0 ? 1 : (double) PerOpLanes.JMH_TRACE_OPS / length;
            for (RunResult r : results) {
                for (BenchmarkResult b : r.getBenchmarkResults()) {
                    for (IterationResult it : b.getIterationResults()) {
                        acc.samples.add(it.getPrimaryResult().getScore() * scale);
                        acc.forks.add(fork);
                        acc.faults.add(faultsPerReplay(it));
                    }
                }
            }
        } catch (RunnerException | java.io.IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            acc.failure = "JMH: " + why + " (see jmh/" + stem + ".txt)";
        }
    }

    /** ReplayBenchmark's minor faults per replay in an iteration (its secondary results), or -1 if absent. */
    private static long faultsPerReplay(IterationResult it) {
        var minflt = it.getSecondaryResults().get("minflt");
        var replays = it.getSecondaryResults().get("replays");
        if (minflt == null || replays == null || replays.getScore() <= 0) {
            return -1;
        }
        return Math.round(minflt.getScore() / replays.getScore());
    }

    /** Why a per-op lane cannot replay {@code ops} by design (its allocator and the trace's threads), or null. */
    private static String cannotReplay(String lane, OpSequence ops) {
        try (Allocator a = PerOpLanes.contexts(lane, ops).get(); TraceReplay loop = TraceReplay.of(ops)) {
            loop.prepare(a.capabilities());
            return null;
        } catch (NotApplicable e) {
            return lane + ": " + e.getMessage() + " (trace " + ops.name() + ")";
        }
    }

    private Map<String, Long> allocatorStats(String lane, OpSequence ops) {
        try (Allocator a = PerOpLanes.contexts(lane, ops).get(); TraceReplay loop = TraceReplay.of(ops)) {
            loop.replay(a);
            if (!a.capabilities().note().isEmpty() && !lane.equals(InterleavedRunner.FLOOR)) {
                notes.put(lane, a.capabilities().note());
            }
            Map<String, Long> stats = LaneWorker.stats(a.stats());
            loop.end(a);
            return stats;
        }
    }

    /** A whole-trace lane: a fresh runner process per JMH fork, the campaign's warm-up and measured iterations. */
    private Cell wholeTraceCell(WholeTraceLane lane, OpSequence ops) {
        String metric = lane == WholeTraceLane.FLOOR ? Cell.WHOLE_TRACE_FLOOR : Cell.WHOLE_TRACE;
        String missing = lane.unavailableReason();
        if (missing != null) {
            return Cell.notRun(lane.laneName(), ops.name(), metric, Cell.NOT_RUN, missing);
        }
        String byDesign = lane.cannotReplay(ops);
        if (byDesign != null) {
            return Cell.notRun(lane.laneName(), ops.name(), metric, Cell.NOT_RUN, lane.laneName() + ": " + byDesign);
        }
        InterleavedRunner.Cells acc = new InterleavedRunner.Cells(campaign);
        for (int fork = 0; fork < campaign.jmh().forks(); fork++) {
            try {
                LaneResult r = WholeTraceRunner.run(lane, List.of(ops), campaign.warmup() + campaign.rounds()).get(0);
                acc.add(lane.laneName(), ops.name(), metric, fork, r.from(campaign.warmup()));
            } catch (RuntimeException e) {
                acc.failed(lane.laneName(), ops.name(), metric, e.getMessage());
            }
        }
        return acc.all(Map.of()).get(0);
    }

    private Cell pgCell(PgCluster cluster, OpSequence ops) {
        InterleavedRunner.Cells acc = new InterleavedRunner.Cells(campaign);
        try {
            LaneResult r = PgReplay.replayWarm(cluster, ops, campaign.warmup() + campaign.rounds());
            acc.add(InterleavedRunner.PG15_REAL, ops.name(), Cell.WHOLE_TRACE, 0, r.from(campaign.warmup()));
        } catch (RuntimeException e) {
            acc.failed(InterleavedRunner.PG15_REAL, ops.name(), Cell.WHOLE_TRACE, e.getMessage());
        }
        return acc.all(Map.of()).get(0);
    }
}
