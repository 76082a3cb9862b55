package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.measure.HlogFiles;
import org.allocbench.measure.LatencyMode;
import org.allocbench.measure.LatencyRecorder;
import org.allocbench.measure.NativeLatency;
import org.allocbench.measure.TimerCalibration;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.TraceReplay;
import org.allocbench.trace.Workload;
import org.allocbench.trace.OpSequence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Per-op latency distributions per allocator x trace: each cell is warmed up
 * unrecorded, then replayed with the clock read around each op (or group of
 * ops) into an HdrHistogram, printed as p50..max and saved as an HdrHistogram
 * log file. The timer's measured cost and resolution head the table: per-op
 * values include about one timer read, which is of the order of a fast op.
 * The pseudo-allocator {@value #NATIVE_LANE} is the whole trace replayed in C,
 * timed per op with clock_gettime there (no FFM call per op).
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Per-op latency distributions (p50..max) per allocator x pattern, saved as HdrHistogram logs.")
final class LatencyCommand implements Callable<Integer> {

    /** The native whole-trace lane (NativeReplay, AllocSet), listed among the allocators. */
    static final String NATIVE_LANE = "aset-native-replay";

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocators", split = ",", paramLabel = "NAME",
            description = "Allocators, comma-separated; " + NATIVE_LANE + " is the native whole-trace replay"
                    + " (default: every available one and " + NATIVE_LANE + ").")
    private List<String> allocators;

    @Mixin
    private final TraceOptions traces = TraceOptions.defaulting("small-churn", "per-tuple-batches");

    @Option(names = "--ops", defaultValue = "200000", converter = OpCount.class, description = "Operations per pattern (default: ${DEFAULT-VALUE}).")
    private int opCount;

    @Option(names = "--mode", defaultValue = "per-op",
            description = "per-op (each op timed alone; keeps the tail) or grouped (groups of --group ops,"
                    + " recorded as group/G each; Java path only) (default: ${DEFAULT-VALUE}).")
    private String modeName;

    @Option(names = "--group", defaultValue = "" + LatencyMode.DEFAULT_GROUP,
            description = "Ops per timed group in grouped mode (default: ${DEFAULT-VALUE}).")
    private int group;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Unrecorded replays of each cell first (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--iterations", defaultValue = "1",
            description = "Recorded replays of each cell, all into one histogram (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pattern generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for the .hlog files (default: bench-results/latency-<timestamp>/).")
    private Path out;

    /** One measured cell. */
    private record Cell(String allocator, String trace, Histogram histogram, String timer, long timerCostNs,
            String mode) {
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (warmup < 0 || iterations < 1 || group < 1) {
            err.println("allocbench latency: --iterations and --group must be at least 1, --warmup at least 0");
            return 2;
        }
        LatencyMode mode;
        List<OpSequence> sequences = new ArrayList<>();
        List<String> names = allocators != null ? allocators : defaultAllocators();
        List<AllocatorFactory> factories = new ArrayList<>(); // null entry = the native lane
        try {
            mode = LatencyMode.byLabel(modeName);
            for (Workload w : traces.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"))) {
                sequences.add(w.load(opCount, seed));
            }
            for (String n : names) {
                factories.add(n.equals(NATIVE_LANE) ? null : Allocators.byName(n));
            }
        } catch (IllegalArgumentException e) {
            err.println("allocbench latency: " + e.getMessage());
            return 2;
        }
        Path dir = out != null ? out
                : Path.of("bench-results", "latency-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String unwritable = OutputPaths.directoryProblem(dir);
        if (unwritable != null) {
            err.println("allocbench latency: --out: " + unwritable);
            return 2;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            err.println("allocbench latency: error: " + Failures.cannot("create", dir, e));
            return 1;
        }

        TimerCalibration timer = TimerCalibration.measure();
        LatencyRecorder recorder = new LatencyRecorder(mode, group);
        List<Cell> cells = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long nativeOverhead = -1;
        long started = System.nanoTime();
        int total = factories.size() * sequences.size();
        int done = 0;
        for (int a = 0; a < factories.size(); a++) {
            AllocatorFactory f = factories.get(a);
            String name = names.get(a);
            if (f != null && !f.availability().available()) {
                skipped.add(name + " (" + f.availability().reason() + ")");
                done += sequences.size();
                continue;
            }
            for (OpSequence ops : sequences) {
                progress(name, ops.name(), done++, total, started);
                long startMs = System.currentTimeMillis();
                Histogram h;
                String timerNote;
                String cellMode;
                try {
                    if (f == null) {
                        NativeLatency.Result r = NativeLatency.allocSet(ops, AllocSetSizes.DEFAULT, warmup,
                                iterations);
                        h = r.histogram();
                        nativeOverhead = r.timerOverheadNs();
                    } else {
                        h = recordJava(f, ops, recorder);
                    }
                } catch (NotApplicable e) {
                    skipped.add(name + " x " + ops.name() + " (" + e.getMessage() + ")");
                    continue;
                }
                if (f == null) {
                    timerNote = "clock_gettime(CLOCK_MONOTONIC) in C, back-to-back pair median "
                            + nativeOverhead + " ns";
                    cellMode = LatencyMode.PER_OP.label(); // the C loop times single ops only
                } else {
                    timerNote = "System.nanoTime, back-to-back pair median " + timer.pairMedianNs()
                            + " ns, smallest step " + timer.granularityNs() + " ns";
                    cellMode = mode == LatencyMode.GROUPED ? "grouped(G=" + group + ")" : mode.label();
                }
                h.setStartTimeStamp(startMs);
                h.setEndTimeStamp(Math.max(startMs, System.currentTimeMillis()));
                Cell cell = new Cell(name, ops.name(), h, timerNote,
                        f == null ? nativeOverhead : timer.pairMedianNs(), cellMode);
                cells.add(cell);
                try {
                    HlogFiles.write(dir.resolve(HlogFiles.fileName(name, ops.name())), h,
                            comments(cell, ops));
                } catch (IOException e) {
                    clearProgress();
                    err.println("allocbench latency: error: " + Failures.describe(e));
                    return 1;
                }
            }
        }
        clearProgress();

        stdout.printf("allocbench latency: %,d ops per pattern, seed %d, %d warm-up + %d recorded replay(s) per cell;"
                + " JVM %s%n", opCount, seed, warmup, iterations, Runtime.version());
        stdout.printf("mode: %s%n", describeMode(mode));
        stdout.printf("timer (Java lanes): %s%n", timer.describe());
        if (nativeOverhead >= 0) {
            stdout.printf("timer (%s): clock_gettime(CLOCK_MONOTONIC) in C around each op (vDSO, no rdtsc),"
                    + " back-to-back pair median %d ns (last cell's); always per-op, no FFM call per op%n",
                    NATIVE_LANE, nativeOverhead);
        }
        stdout.printf("values in ns, HdrHistogram 3 significant digits; each includes the timer cost above"
                + (mode == LatencyMode.GROUPED ? " (divided by G in grouped mode)" : "") + "%n%n");
        stdout.printf("%-20s %-18s %-13s %8s %8s %8s %8s %10s %10s%n", "allocator", "trace", "mode", "p50", "p90",
                "p99", "p99.9", "max", "count");
        boolean flagged = false;
        for (Cell c : cells) {
            Histogram h = c.histogram();
            // per-op and a median within twice the timer's cost: the op is below what the clock can resolve
            boolean nearTimer = c.mode().equals(LatencyMode.PER_OP.label())
                    && h.getValueAtPercentile(50) <= 2 * c.timerCostNs();
            flagged |= nearTimer;
            stdout.printf("%-20s %-18s %-13s %8d %8d %8d %8d %10d %10d%s%n", c.allocator(), c.trace(), c.mode(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount(), nearTimer ? " !" : "");
        }
        if (flagged) {
            stdout.printf("%n! p50 is within twice the timer's own cost: the typical op is below the timer's"
                    + " resolution, so its per-op values%n  are mostly timer (read them as an upper bound); the"
                    + " tail (p99 and up) is real. For the body of the%n  distribution use --mode grouped"
                    + " (G ops per clock pair) or the ns/op of `allocbench run` / NativeReplay.%n");
        }
        for (String s : skipped) {
            stdout.printf("not run: %s%n", s);
        }
        stdout.printf("%nHdrHistogram logs: %s (open with org.HdrHistogram.HistogramLogProcessor -i FILE)%n", dir);
        stdout.flush();
        return 0;
    }

    /** Warm-up replays into a scratch histogram (the timed loop itself gets compiled), then the recorded ones. */
    private Histogram recordJava(AllocatorFactory f, OpSequence ops, LatencyRecorder recorder) {
        try (TraceReplay loop = TraceReplay.of(ops)) {
            Histogram h = LatencyRecorder.newHistogram();
            for (int i = 0; i < warmup; i++) {
                try (Allocator a = f.create()) {
                    recorder.replay(a, loop, h);
                }
            }
            h.reset();
            for (int i = 0; i < iterations; i++) {
                try (Allocator a = f.create()) {
                    recorder.replay(a, loop, h);
                }
            }
            return h;
        }
    }

    private List<String> comments(Cell c, OpSequence ops) {
        return List.of("allocbench latency: allocator=" + c.allocator() + " trace=" + c.trace() + " mode=" + c.mode(),
                "ops=" + ops.length() + " seed=" + seed + " warmup=" + warmup + " iterations=" + iterations
                        + " units=nanoseconds",
                "timer: " + c.timer() + " (each value includes about one timer cost"
                        + (c.mode().startsWith("grouped") ? ", divided by G" : "") + ")",
                "jvm=" + Runtime.version());
    }

    private String describeMode(LatencyMode mode) {
        if (mode == LatencyMode.GROUPED) {
            return "grouped, G=" + group + ": " + group + " consecutive ops timed together and recorded as " + group
                    + " values of (group time)/" + group + "; the distribution of " + group + "-op means (timer cost"
                    + " per op / " + group + ", tails averaged away)";
        }
        return "per-op: two System.nanoTime reads around each single op; a value is op + ~one timer cost, so"
                + " values near the timer cost mean \"op below the timer's resolution\", not the op's own time"
                + " (--mode grouped for the body of the distribution)";
    }

    private static List<String> defaultAllocators() {
        List<String> names = new ArrayList<>(Allocators.all().stream().map(AllocatorFactory::name).toList());
        names.add(1, NATIVE_LANE);
        return names;
    }

    private static void progress(String allocator, String trace, int done, int total, long started) {
        if (System.console() == null) {
            return;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double remaining = done == 0 ? 0 : elapsed * (total - done) / done;
        System.err.printf("\r\033[K%s x %s (%d/%d), %.0fs elapsed, ~%.0fs left", allocator, trace, done + 1, total,
                elapsed, remaining);
    }

    private static void clearProgress() {
        if (System.console() != null) {
            System.err.print("\r\033[K");
        }
    }
}
