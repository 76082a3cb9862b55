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
import org.allocbench.alloc.Allocators;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.bench.NativeReplayBenchmark;
import org.allocbench.bench.ReplayBenchmark;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.pg.LaneResult;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.results.Cell;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
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
 * The {@value Campaign#JMH} method: one JMH run per cell, in-process through
 * {@link Runner} (JMH forks the JVMs): {@link ReplayBenchmark} for every
 * allocator x trace (and {@code null}, the harness floor), {@link
 * NativeReplayBenchmark} for the whole-trace lanes aset-c and aset-pg15-c;
 * pg15-real is timed in the backend as in the interleaved method. Each cell's
 * raw JMH JSON and text output are kept in {@code jmh/}; samples are the raw
 * per-iteration scores of every fork, {@code sampleForks} the fork index.
 * The allocator's statistics at the end of the trace come from one more
 * replay in this JVM.
 */
public final class JmhRunner {

    private final Campaign campaign;
    private final Path runDir;
    private final Progress progress;
    private final Map<String, String> notes = new LinkedHashMap<>();

    public JmhRunner(Campaign campaign, Path runDir, Progress progress) {
        this.campaign = campaign;
        this.runDir = runDir;
        this.progress = progress;
    }

    public Map<String, String> notes() {
        return notes;
    }

    public long units() {
        int perTrace = InterleavedRunner.allocators(campaign).size() + (campaign.floors() ? 1 : 0)
                + (campaign.wholeTrace() ? 3 : 0);
        return (long) perTrace * campaign.traces().size();
    }

    public void run(InterleavedRunner.Sink sink) {
        List<AllocatorFactory> factories = InterleavedRunner.allocators(campaign);
        int perTrace = factories.size() + (campaign.floors() ? 1 : 0) + (campaign.wholeTrace() ? 3 : 0);
        int total = perTrace * campaign.traces().size();
        int cell = 0;
        String pgMissing = !campaign.wholeTrace() ? null
                : campaign.postgres() ? PgInstallation.unavailableReason() : "skipped (--no-postgres)";
        PgCluster cluster = null;
        try {
            for (String trace : campaign.traces()) {
                List<AllocatorFactory> row = new ArrayList<>(factories);
                if (campaign.floors()) {
                    row.add(Allocators.harnessFloor());
                }
                for (AllocatorFactory f : row) {
                    cell++;
                    String metric = f.name().equals(InterleavedRunner.NULL_FLOOR) ? Cell.FLOOR : Cell.REPLAY;
                    if (!f.availability().available()) {
                        sink.add(Cell.notRun(f.name(), trace, metric, Cell.NOT_RUN, f.availability().reason()));
                        continue;
                    }
                    progress.step(cell, total, trace, "x " + f.name() + " (JMH ReplayBenchmark)");
                    sink.add(jmhCell(ReplayBenchmark.class, "allocator", f.name(), f.name(), trace, metric,
                            () -> allocatorStats(f, trace)));
                }
                if (!campaign.wholeTrace()) {
                    continue;
                }
                for (String[] lane : new String[][] {{InterleavedRunner.ASET_C, "aset", ""},
                    {InterleavedRunner.ASET_PG15_C, "aset-pg15", "pg15"}}) {
                    cell++;
                    progress.step(cell, total, trace, "x " + lane[0] + " (JMH NativeReplayBenchmark)");
                    String variant = lane[2];
                    sink.add(jmhCell(NativeReplayBenchmark.class, "lane", lane[1], lane[0], trace,
                            InterleavedRunner.WHOLE_TRACE, () -> laneStats(variant, trace)));
                }
                cell++;
                if (pgMissing == null && cluster == null) {
                    try {
                        cluster = PgCluster.start(PgInstallation.require());
                    } catch (RuntimeException e) {
                        pgMissing = "could not start a throwaway PostgreSQL 15 cluster: " + e.getMessage();
                    }
                }
                if (pgMissing != null) {
                    sink.add(Cell.notRun(InterleavedRunner.PG15_REAL, trace, InterleavedRunner.WHOLE_TRACE,
                            Cell.NOT_RUN, pgMissing));
                    continue;
                }
                progress.step(cell, total, trace, "x " + InterleavedRunner.PG15_REAL + " (in the backend)");
                sink.add(pgCell(cluster, trace));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private interface StatsProbe {
        Map<String, Long> get();
    }

    private Cell jmhCell(Class<?> benchmark, String paramName, String paramValue, String allocator, String trace,
            String metric, StatsProbe probe) {
        String stem = allocator + "__" + trace;
        Path jmhDir = runDir.resolve("jmh");
        Path json = jmhDir.resolve(stem + ".json");
        Path text = jmhDir.resolve(stem + ".txt");
        try {
            Files.createDirectories(jmhDir);
            Campaign.Jmh j = campaign.jmh();
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + benchmark.getName().replace(".", "\\.") + "\\.replay$")
                    .param(paramName, paramValue)
                    .param("trace", trace)
                    .param("seed", Long.toString(campaign.seed()))
                    .forks(j.forks())
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
            List<Double> samples = new ArrayList<>();
            List<Integer> forks = new ArrayList<>();
            for (RunResult r : results) {
                int fork = 0;
                for (BenchmarkResult b : r.getBenchmarkResults()) {
                    for (IterationResult it : b.getIterationResults()) {
                        samples.add(it.getPrimaryResult().getScore());
                        forks.add(fork);
                    }
                    fork++;
                }
            }
            List<String> files = List.of(runDir.relativize(json).toString(), runDir.relativize(text).toString());
            if (samples.isEmpty()) {
                return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.FAILED,
                        "JMH returned no iterations (see " + files.get(1) + ")", List.of(), List.of(), null, null,
                        null, Map.of(), files);
            }
            SampleStats.Summary s = SampleStats.summarise(samples, forks);
            Map<String, Long> stats;
            try {
                stats = probe.get();
            } catch (RuntimeException e) {
                stats = Map.of();
            }
            return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.OK, null, samples, forks, s.median(),
                    s.ciLow(), s.ciHigh(), stats, files);
        } catch (RunnerException | java.io.IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.FAILED, "JMH: " + why
                    + " (see jmh/" + stem + ".txt)", List.of(), List.of(), null, null, null, Map.of(),
                    List.of("jmh/" + stem + ".txt"));
        }
    }

    private Map<String, Long> allocatorStats(AllocatorFactory f, String trace) {
        OpSequence ops = BuiltinPatterns.byName(trace, ReplayBenchmark.OPS, campaign.seed());
        try (Allocator a = f.create()) {
            AllocatorReplay.replay(a, ops, new long[ops.slots()], new long[ops.slots()]);
            if (!a.capabilities().note().isEmpty() && !f.name().equals(InterleavedRunner.NULL_FLOOR)) {
                notes.put(f.name(), a.capabilities().note());
            }
            return InterleavedRunner.stats(a.stats());
        }
    }

    private Map<String, Long> laneStats(String variant, String trace) {
        OpSequence ops = BuiltinPatterns.byName(trace, ReplayBenchmark.OPS, campaign.seed());
        NativeReplay.Result r = variant.isEmpty()
                ? NativeReplay.allocSet(ops.encoded(), ops.slots(), AllocSetSizes.DEFAULT, 1, false)
                : NativeReplay.variant(variant).allocSet(ops.encoded(), ops.slots(), AllocSetSizes.DEFAULT, 1, false);
        return InterleavedRunner.stats(r.statsBeforeDelete());
    }

    private Cell pgCell(PgCluster cluster, String trace) {
        OpSequence ops = BuiltinPatterns.byName(trace, ReplayBenchmark.OPS, campaign.seed());
        try {
            if (campaign.warmup() > 0) {
                PgReplay.replay(cluster.connection(), ops.encoded(), ops.slots(), campaign.warmup());
            }
            List<Double> samples = new ArrayList<>();
            MemoryContextCounters counters = null;
            for (int i = 0; i < campaign.rounds(); i++) {
                LaneResult r = PgReplay.replay(cluster.connection(), ops.encoded(), ops.slots(), 1);
                samples.add(r.medianNsPerOp());
                counters = r.counters();
            }
            List<Integer> forks = samples.stream().map(s -> 0).toList();
            SampleStats.Summary s = SampleStats.summarise(samples, forks);
            return new Cell(InterleavedRunner.PG15_REAL, trace, InterleavedRunner.WHOLE_TRACE, Cell.NS_PER_OP, Cell.OK,
                    null, samples, forks, s.median(), s.ciLow(), s.ciHigh(), InterleavedRunner.stats(counters),
                    List.of());
        } catch (RuntimeException e) {
            return new Cell(InterleavedRunner.PG15_REAL, trace, InterleavedRunner.WHOLE_TRACE, Cell.NS_PER_OP,
                    Cell.FAILED, e.getMessage(), List.of(), List.of(), null, null, null, Map.of(), List.of());
        }
    }
}
