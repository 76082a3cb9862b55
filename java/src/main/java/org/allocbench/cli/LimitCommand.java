package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.allocbench.campaign.RunRecorder;
import org.allocbench.campaign.TraceSources;
import org.allocbench.limit.AuditJournal;
import org.allocbench.limit.CgroupUnavailableException;
import org.allocbench.limit.LimitRunner;
import org.allocbench.limit.Trial;
import org.allocbench.limit.TrialOutcome;
import org.allocbench.nativecore.ByteSize;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.allocbench.trace.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench limit}: workloads under a memory limit, each in a child
 * process in a fresh cgroup, journalled before it starts so that when the
 * kernel kills one the report can say what it was running (PostgreSQL's
 * postmaster's way). Several allocators x traces make a campaign: a run
 * directory whose results.json gains a cell as each finishes (a killed cell is
 * recorded as killed, with its peak, and the next one runs).
 */
@Command(name = "limit", mixinStandardHelpOptions = true,
        description = {"Runs traces under a memory limit in fresh cgroups (root, or a delegated cgroup) and reports",
            "a kill the way PostgreSQL's postmaster does, from an audit journal written before each trial began.",
            "With --smallest, bisects for the smallest limit each allocator x trace survives."})
final class LimitCommand implements Callable<Integer> {

    static final String METRIC_RUN = "limit-run";
    static final String METRIC_SMALLEST = "smallest-limit";
    static final String KILLED = "killed";
    /** The smallest limit a trial may run under: below this the C child cannot even load. */
    static final long MIN_MEMORY = 1 << 20;

    @Spec
    private CommandSpec spec;

    @Option(names = "--memory", required = true, converter = ByteSizeConverter.class,
            description = "The memory limit (e.g. 100M, at least 1M); with --smallest the upper end of the search.")
    private long memory;

    @Mixin
    private final TraceOptions traceOptions = TraceOptions.defaulting("malloc-large");

    @Option(names = {"--allocator", "--allocators"}, split = ",", defaultValue = "aset-native",
            description = "Any of aset-native, aset-pg15, glibc, jemalloc, mimalloc, tcmalloc, comma-separated"
                    + " (default: ${DEFAULT-VALUE}).")
    private List<String> allocators;

    @Option(names = "--ops", defaultValue = "20000", converter = OpCount.class, description = "Operations per trace (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the patterns (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--smallest", description = "Bisect between 1 MiB and --memory for the smallest surviving limit.")
    private boolean smallest;

    @Option(names = "--rlimit-as", description = "Where no cgroup can be made, confine the C child with RLIMIT_AS"
            + " instead (address space, not resident memory) rather than refusing.")
    private boolean rlimitFallback;

    @Option(names = "--out", defaultValue = "bench-results/runs",
            description = "Where the run directory goes (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--journal", description = "The audit journal (default: journal.jsonl in the run directory).")
    private Path journalFile;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (String a : allocators) {
            if (!Trial.allocators().contains(a)) {
                err.println("allocbench limit: allocator \"" + a + "\" cannot run in a limit trial (trials replay in a"
                        + " small C child); choose from " + String.join(", ", Trial.allocators()));
                return 2;
            }
        }
        List<Workload> traces;
        try {
            // files are read and checked now, before the first trial
            traces = traceOptions.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"));
        } catch (IllegalArgumentException e) {
            err.println("allocbench limit: " + e.getMessage());
            return 2;
        }
        if (memory < MIN_MEMORY) {
            throw new ParameterException(spec.commandLine(), "--memory must be at least " + ByteSize.format(MIN_MEMORY)
                    + " (the trial program alone needs that much), not " + ByteSize.format(memory));
        }
        // the run directory and the journal are written only once a trial has started: check them now
        String unwritable = OutputPaths.directoryProblem(out);
        if (unwritable != null) {
            throw new ParameterException(spec.commandLine(), "--out: " + unwritable);
        }
        if (journalFile != null && (unwritable = OutputPaths.fileProblem(journalFile)) != null) {
            throw new ParameterException(spec.commandLine(), "--journal: " + unwritable);
        }
        Instant started = Instant.now();
        Path runDir = ResultsStore.newRunDirectory(out, "limit", started);
        AuditJournal journal = new AuditJournal(journalFile != null ? journalFile : runDir.resolve("journal.jsonl"));
        RunResults results = RunResults.start(new RunInfo(runDir.getFileName().toString(), "limit", RunInfo.RUNNING,
                started.toString(), null, "allocbench limit", null, null, null, null),
                Map.of("limitBytes", memory, "method", smallest ? "bisection" : "fixed limit"),
                new Settings(ops, seed, 0, 1, 1, 1, "limit-trial", TraceSources.of(traces)));
        // cell by cell, marked interrupted on Ctrl-C and killed (by the reaper) on SIGKILL
        RunRecorder recorder = new RunRecorder(runDir, results);
        LimitRunner runner = new LimitRunner(journal, stdout, rlimitFallback);
        List<String[]> table = new ArrayList<>();
        int n = allocators.size() * traces.size();
        int i = 0;
        boolean allSurvived = true;
        try {
            for (Workload workload : traces) {
                String trace = workload.name();
                for (String allocator : allocators) {
                    stdout.printf("[%d/%d] %s x %s under %s%s%n", ++i, n, allocator, trace, ByteSize.format(memory),
                            smallest ? " (bisecting)" : "");
                    stdout.flush();
                    Cell cell;
                    try {
                        cell = smallest ? smallestCell(runner, allocator, workload) : fixedCell(runner, allocator, workload);
                    } catch (IllegalArgumentException unavailable) {
                        cell = Cell.notRun(allocator, trace, smallest ? METRIC_SMALLEST : METRIC_RUN, Cell.NOT_RUN,
                                unavailable.getMessage());
                    }
                    allSurvived &= cell.status().equals(Cell.OK);
                    recorder.add(cell);
                    table.add(new String[] {allocator, trace, summary(cell)});
                }
            }
        } catch (CgroupUnavailableException e) {
            recorder.finish(RunInfo.FAILED);
            err.println("allocbench limit: " + e.getMessage());
            return 2;
        } catch (RuntimeException | Error e) {
            // whatever broke (the journal's disk, say), the run must not stay "running"; the caller reports it
            markFailed(recorder, e);
            throw e;
        }
        recorder.finish(RunInfo.COMPLETE);
        stdout.printf("%n%-12s %-16s %s%n", "allocator", "trace", smallest ? "smallest limit survived" : "outcome");
        for (String[] row : table) {
            stdout.printf("%-12s %-16s %s%n", row[0], row[1], row[2]);
        }
        stdout.println("run directory: " + runDir);
        stdout.println("journal: " + journal.file());
        return allSurvived ? 0 : 1;
    }

    private static void markFailed(RunRecorder recorder, Throwable failure) {
        try {
            recorder.finish(RunInfo.FAILED);
        } catch (RuntimeException secondFailure) {
            failure.addSuppressed(secondFailure); // the first failure is the one to report
        }
    }


    private Cell fixedCell(LimitRunner runner, String allocator, Workload workload) {
        String trace = workload.name();
        TrialOutcome o = runner.trial(allocator, workload, ops, seed, memory);
        String status = o.survived() ? Cell.OK : o.status().equals(TrialOutcome.KILLED) ? KILLED : Cell.FAILED;
        String reason = o.survived() ? null
                : o.message() + (o.status().equals(TrialOutcome.KILLED) ? (o.oomKill() ? "; OOM kill confirmed by the"
                        + " cgroup" : "; not an OOM kill") : "");
        return new Cell(allocator, trace, METRIC_RUN, "bytes", status, reason,
                o.peakBytes() >= 0 ? List.of((double) o.peakBytes()) : List.of(), List.of(),
                o.peakBytes() >= 0 ? (double) o.peakBytes() : null, null, null, facts(o), List.of());
    }

    private Cell smallestCell(LimitRunner runner, String allocator, Workload workload) {
        String trace = workload.name();
        List<LimitRunner.Probe> probes = runner.smallestSurvivingLimit(allocator, workload, ops, seed, 1 << 20, memory,
                0.02);
        long best = LimitRunner.smallest(probes);
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("probes", (long) probes.size());
        stats.put("killedProbes", probes.stream().filter(p -> p.outcome().status().equals(TrialOutcome.KILLED)).count());
        if (best < 0) {
            return new Cell(allocator, trace, METRIC_SMALLEST, "bytes", Cell.FAILED,
                    "does not survive even " + memory + " bytes: " + probes.get(0).outcome().message(), List.of(),
                    List.of(), null, null, null, stats, List.of());
        }
        return new Cell(allocator, trace, METRIC_SMALLEST, "bytes", Cell.OK, null, List.of((double) best), List.of(0),
                (double) best, null, null, stats, List.of());
    }

    private static Map<String, Long> facts(TrialOutcome o) {
        Map<String, Long> facts = new LinkedHashMap<>();
        facts.put("peakBytes", o.peakBytes());
        facts.put("opsDone", o.opsDone());
        facts.put("allocatorHeldBytes", o.allocatorHeldBytes());
        facts.put("signal", (long) o.signal());
        return facts;
    }

    /** What the allocator held at its last report; the trial child says -1 where it cannot know. */
    private static String held(Map<String, Long> facts) {
        long held = facts.getOrDefault("allocatorHeldBytes", -1L);
        if (held >= 0) {
            return "the allocator held " + String.format("%,d", held) + " bytes at its last report";
        }
        return facts.getOrDefault("opsDone", 0L) == 0 ? "before the trial's first report of what the allocator held"
                : "what the allocator held is unknown (malloc-family allocators do not report it)";
    }

    private static String summary(Cell c) {
        if (c.metric().equals(METRIC_SMALLEST)) {
            return c.status().equals(Cell.OK) ? String.format("%,.0f bytes (%.1f MiB)", c.median(), c.median() / (1 << 20))
                    : c.reason();
        }
        long peak = c.stats().getOrDefault("peakBytes", -1L);
        return switch (c.status()) {
            case Cell.OK -> "completed, peak " + String.format("%,d", peak) + " bytes";
            case KILLED -> "KILLED after " + String.format("%,d", c.stats().get("opsDone")) + " ops, peak "
                    + String.format("%,d", peak) + " bytes, " + held(c.stats());
            default -> c.status() + ": " + c.reason();
        };
    }
}
