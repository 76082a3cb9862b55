package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.allocbench.campaign.RunRecorder;
import org.allocbench.campaign.TraceSources;
import org.allocbench.fit.ContextFit;
import org.allocbench.fit.FitTable;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceStats;
import org.allocbench.trace.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench fit}: which of PostgreSQL's context kinds fits a trace. Every trace is replayed whole in C
 * through AllocSet, Generation, Slab and Bump and through the malloc peers, each lane in a fresh process
 * ({@link ContextFit}); per trace a table of time, peak and retained memory, and a one-line verdict. The cells
 * go into a run directory (results.json), so {@code allocbench report} shows the same tables. A kind that
 * cannot replay a trace (Bump and a pfree, Slab and sizes that vary) is listed with the reason.
 */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Which PostgreSQL memory context fits a trace: replays it whole in C through AllocSet,"
                + " Generation, Slab and Bump and the malloc peers (a fresh process each) and prints time, peak"
                + " and retained memory per lane and a one-line verdict per trace.",
                "peak = the RSS the replay added to its process; peak/live = that over the most bytes the trace"
                + " holds live at once; retained = what the process still held after everything was released."})
final class FitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private final TraceOptions traceOptions = TraceOptions.defaulting("change-queue", "per-tuple-reset",
            "small-churn");

    @Option(names = "--ops", defaultValue = "200000", converter = OpCount.class,
            description = "Operations per built-in pattern; trace files replay their own (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the patterns (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--iterations", defaultValue = "5",
            description = "Timed replays per trace and lane, after one untimed (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--forks", defaultValue = "3",
            description = "Processes per trace and lane, the lanes' order rotated each round; the median over them"
                    + " is reported (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--out", defaultValue = "bench-results/runs",
            description = "Where the run directory goes (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (iterations < 1 || forks < 1) {
            throw new ParameterException(spec.commandLine(), iterations < 1
                    ? "--iterations must be at least 1, not " + iterations : "--forks must be at least 1, not " + forks);
        }
        List<Workload> workloads;
        try {
            workloads = traceOptions.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"));
        } catch (IllegalArgumentException e) {
            err.println("allocbench fit: " + e.getMessage());
            return 2;
        }
        String unwritable = OutputPaths.directoryProblem(out);
        if (unwritable != null) {
            throw new ParameterException(spec.commandLine(), "--out: " + unwritable);
        }
        Instant started = Instant.now();
        Path runDir = ResultsStore.newRunDirectory(out, "fit", started);
        RunResults results = RunResults.start(new RunInfo(runDir.getFileName().toString(), "fit", RunInfo.RUNNING,
                started.toString(), null, "allocbench fit", null, null, null, null),
                Map.of("lanes", ContextFit.LANES.size(), "iterations", iterations),
                new Settings(ops, seed, 1, iterations, forks, 1, "whole-trace-fit", TraceSources.of(workloads)));
        RunRecorder recorder = new RunRecorder(runDir, results);
        List<String> names = new ArrayList<>();
        List<List<Cell>> cellsByTrace = new ArrayList<>();
        try {
            int done = 0;
            for (Workload w : workloads) {
                OpSequence trace = w.load(ops, seed);
                long peakLive = TraceStats.of(trace).peakLiveBytes();
                int traceNumber = ++done;
                List<Cell> cells = ContextFit.measure(trace, peakLive, iterations, forks, what -> {
                    err.printf("[trace %d/%d] %s%n", traceNumber, workloads.size(), what);
                    err.flush();
                });
                cells.forEach(recorder::add);
                names.add(trace.name());
                cellsByTrace.add(cells);
                stdout.print(FitTable.trace(trace.name(), trace.length(), peakLive, cells));
                stdout.println();
                stdout.flush();
            }
        } catch (RuntimeException | Error e) {
            recorder.finish(RunInfo.FAILED); // the run must not stay "running"; the caller reports the failure
            throw e;
        }
        recorder.finish(RunInfo.COMPLETE);
        stdout.println("Which context fits: each kind's time and peak as ratios to AllocSet's (n/a: it cannot replay"
                + " the trace); a kind fits better only if time x peak is at most 0.9");
        stdout.print(FitTable.summary(names, cellsByTrace));
        stdout.println("run directory: " + runDir + " (allocbench report " + runDir + " shows the same tables)");
        boolean failed = cellsByTrace.stream().flatMap(List::stream).anyMatch(c -> Cell.FAILED.equals(c.status()));
        return failed ? 1 : 0;
    }
}
