package org.allocbench.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.allocbench.bench.HugePagesBenchmark;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The huge-pages campaign ({@code allocbench hugepages}):
 * {@link HugePagesBenchmark}'s three benchmarks over every selected (kind,
 * mapping) pair, one JMH run per cell in this JVM (so each cell reports as it
 * ends and a failing cell keeps its reason), into one row per pair
 * ({@link HugePagesTable} prints them with ratios to 4 KiB pages).
 *
 * <p>The benchmark never reserves huge pages; the campaign does, as root, and
 * only what the run lacks ({@link HugePagePools}), restoring each pool as it
 * ends, also on failure or Ctrl-C. Forks get their JVM flags from the
 * benchmark's {@code @Fork} and inherit this JVM's environment.
 */
public final class HugePagesCampaign {

    /** The benchmarks every pair runs, in the order they run. */
    public static final List<String> BENCHMARKS = List.of("firstTouch", "randomAccess", "replayOnSegment");

    /**
     * What to run: segments of {@code bytes} ({@code size} as the user wrote it, which the benchmark parses
     * again), {@code forks} per cell, the benchmark's own iteration counts where {@code iterations} or
     * {@code warmup} is null, and the JMH JSON of every cell into {@code out} (its log beside it) if not null.
     */
    public record Settings(String size, long bytes, List<PageMapping> mappings, List<SegmentKind> kinds, int forks,
            Integer iterations, Integer warmup, Path out) {
    }

    /** A time and JMH's 99.9% error; NaN where there is none. */
    public record Score(double value, double error) {
        public static final Score NONE = new Score(Double.NaN, Double.NaN);
    }

    /** One (kind, mapping) pair's results. */
    public record Row(String kind, String mapping, double faultsPerGiB, Score firstTouchMs, Score randomNs,
            Score replayNs) {
    }

    /**
     * What a run left: one row per pair that ran; notes (pairs skipped or not run, and why); cells that failed;
     * what putting the pools back did; JMH's output; whether a thp row ran; and why the JMH JSON could not be
     * written, or null.
     */
    public record Outcome(List<Row> rows, List<String> notes, List<String> failures, List<String> restored,
            Path log, boolean transparentRan, String jsonFailure) {
    }

    private final Settings settings;
    private final Map<SegmentKind, List<PageMapping>> plan = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Plans every (kind, mapping) pair; a pair the kind cannot have is skipped with a note. */
    public HugePagesCampaign(Settings settings) {
        this.settings = settings;
        plan.putAll(plan(settings.kinds(), settings.mappings(), " x ", notes));
    }

    /**
     * The (kind, mapping) pairs segments can have, by kind; each pair they cannot have is left out with a note
     * ("skipped: sysv x thp: why", the pair joined by {@code join}).
     */
    static Map<SegmentKind, List<PageMapping>> plan(List<SegmentKind> kinds, List<PageMapping> mappings, String join,
            List<String> notes) {
        Map<SegmentKind, List<PageMapping>> plan = new LinkedHashMap<>();
        for (SegmentKind kind : kinds) {
            for (PageMapping m : mappings) {
                Optional<String> why = m.unsupportedOn(kind);
                if (why.isPresent()) {
                    notes.add("skipped: " + kind.label() + join + m.label() + ": " + why.get());
                } else {
                    plan.computeIfAbsent(kind, k -> new ArrayList<>()).add(m);
                }
            }
        }
        return plan;
    }

    /** A segment kind of this campaign: anonymous, sysv or posix. */
    public static SegmentKind kind(String text) {
        SegmentKind kind = SegmentKind.parse(text);
        if (kind == SegmentKind.FILE) {
            throw new IllegalArgumentException("file segments are not part of this campaign"
                    + " (expected anonymous, sysv or posix)");
        }
        return kind;
    }

    /** Effective uid 0, from /proc/self/status: only root can reserve huge pages. */
    public static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            // unknown: behave as not root, which only reserves nothing
        }
        return false;
    }

    /** The bracketed choice of /sys/kernel/mm/transparent_hugepage/NAME ("madvise"), or "unknown". */
    public static String transparentHugePages(String name) {
        return Objects.requireNonNullElse(Environment.selected(Path.of("/sys/kernel/mm/transparent_hugepage", name)),
                "unknown");
    }

    /**
     * Runs every planned cell: reserves missing huge pages if {@code root} (saying so on {@code out}), reports
     * each cell on {@code err} as it ends, puts the pools back, writes the JMH JSON. An UncheckedIOException if
     * the JMH log cannot be created, before anything ran.
     */
    public Outcome run(boolean root, PrintWriter out, PrintWriter err) {
        Path log = createLog();
        List<RunResult> results = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        HugePagePools pools = new HugePagePools();
        Runtime.getRuntime().addShutdownHook(pools.hook);
        try {
            reserve(root, pools, out);
            int cells = plan.values().stream().mapToInt(List::size).sum() * BENCHMARKS.size();
            int cell = 0;
            for (Map.Entry<SegmentKind, List<PageMapping>> entry : plan.entrySet()) {
                for (PageMapping m : entry.getValue()) {
                    if (root && m.hugePageSize() != 0) {
                        // other processes may have taken pages from the pool since: top it up again
                        pools.ensure(m, settings.bytes()).ifPresent(err::println);
                    }
                    Map<String, RunResult> byBenchmark = new LinkedHashMap<>();
                    for (String benchmark : BENCHMARKS) {
                        cell++;
                        String name = entry.getKey().label() + " " + m.label() + " " + benchmark;
                        err.printf("[%d/%d] %s ...%n", cell, cells, name);
                        err.flush();
                        CellOutcome o = runCell(benchmark, entry.getKey(), m, log);
                        if (o.result() != null) {
                            results.add(o.result());
                            byBenchmark.put(benchmark, o.result());
                            err.printf("[%d/%d] %s: %s %s%n", cell, cells, name,
                                    HugePagesTable.cell(score(o.result())),
                                    o.result().getPrimaryResult().getScoreUnit());
                        }
                        if (o.failure() != null) {
                            failures.add(name + ": " + o.failure());
                            err.printf("[%d/%d] %s FAILED: %s%n", cell, cells, name, o.failure());
                        }
                        err.flush();
                    }
                    rows.add(row(entry.getKey().label(), m.label(), byBenchmark));
                }
            }
        } finally {
            pools.restore(restored::add);
            try {
                Runtime.getRuntime().removeShutdownHook(pools.hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook finds the pools restored and does nothing
            }
        }
        boolean transparentRan = plan.values().stream().anyMatch(list -> list.contains(PageMapping.TRANSPARENT));
        return new Outcome(rows, notes, failures, restored, log, transparentRan, writeJson(results));
    }

    private Path createLog() {
        Path out = settings.out();
        try {
            if (out != null && out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent()); // --out new/dir/cells.json, as run --out
            }
            Path log = out != null ? Path.of(out + ".log") : Files.createTempFile("allocbench-hugepages-", ".log");
            Files.writeString(log, "");
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the JMH log: " + e.getMessage(), e);
        }
    }

    /** Reserves (as root) what each used hugetlb mapping lacks; a mapping still short is not run, with a note. */
    private void reserve(boolean root, HugePagePools pools, PrintWriter out) {
        reserve(root, pools, plan, settings.mappings(), settings.bytes(), notes, out);
    }

    /**
     * Reserves (as root) what each hugetlb mapping of {@code plan} lacks for a segment of {@code bytes}; a mapping
     * still short is removed from the plan, with a note.
     */
    static void reserve(boolean root, HugePagePools pools, Map<SegmentKind, List<PageMapping>> plan,
            List<PageMapping> mappings, long bytes, List<String> notes, PrintWriter out) {
        for (PageMapping m : mappings) {
            long needed = m.hugePagesNeeded(bytes);
            boolean used = plan.values().stream().anyMatch(list -> list.contains(m));
            if (needed == 0 || !used) {
                continue;
            }
            if (root) {
                pools.ensure(m, bytes).ifPresent(out::println);
            }
            Optional<String> missing = m.missingHugePages(bytes);
            if (missing.isPresent()) {
                notes.add("not run: " + missing.get());
                plan.values().forEach(list -> list.remove(m));
            }
        }
        out.flush();
    }

    /** Writes every cell's JMH result into {@code --out}; why it could not, or null. */
    private String writeJson(List<RunResult> results) {
        Path out = settings.out();
        if (out == null) {
            return null;
        }
        try (PrintStream json = new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
            return null;
        } catch (IOException e) {
            return "cannot write " + out + ": " + e.getMessage();
        }
    }

    // ---- running cells ----

    /** A cell's result, and why there is none or only part of one. */
    private record CellOutcome(RunResult result, String failure) {
    }

    private CellOutcome runCell(String benchmark, SegmentKind kind, PageMapping mapping, Path log) {
        Path cellLog = null;
        try {
            cellLog = Files.createTempFile("allocbench-hugepages-cell-", ".log");
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + Pattern.quote(HugePagesBenchmark.class.getName() + "." + benchmark) + "$")
                    .param("kind", kind.label())
                    .param("mapping", mapping.label())
                    .param("size", settings.size())
                    .forks(settings.forks())
                    .shouldFailOnError(false)
                    .verbosity(VerboseMode.NORMAL)
                    .output(cellLog.toString());
            if (settings.iterations() != null) {
                options.measurementIterations(settings.iterations());
            }
            if (settings.warmup() != null) {
                options.warmupIterations(settings.warmup());
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            String text = Files.readString(cellLog);
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            String reason = firstException(text).orElse("no result; see " + log);
            if (results.isEmpty()) {
                return new CellOutcome(null, reason);
            }
            // a failed fork is left out of the result: keep the others, but say so
            RunResult result = results.iterator().next();
            int measured = result.getBenchmarkResults().size();
            return new CellOutcome(result, measured < settings.forks()
                    ? measured + " of " + settings.forks() + " forks gave a result; the others: " + reason : null);
        } catch (RunnerException | IOException e) {
            return new CellOutcome(null, e.getMessage());
        } finally {
            if (cellLog != null) {
                try {
                    Files.deleteIfExists(cellLog);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** The first "SomeException: message" line of a JMH log: the reason a cell failed. */
    static Optional<String> firstException(String log) {
        return log.lines().map(String::strip)
                .filter(l -> l.matches("^[\\w.$]+(Exception|Error): .*"))
                .map(l -> l.replaceFirst("^[\\w.$]*\\.", ""))
                .findFirst();
    }

    private static Row row(String kind, String mapping, Map<String, RunResult> byBenchmark) {
        RunResult touch = byBenchmark.get("firstTouch");
        return new Row(kind, mapping, touch == null ? Double.NaN : meanPerIteration(touch, "faultsPerGiB"),
                score(touch), score(byBenchmark.get("randomAccess")), score(byBenchmark.get("replayOnSegment")));
    }

    private static Score score(RunResult r) {
        if (r == null) {
            return Score.NONE;
        }
        Result<?> primary = r.getPrimaryResult();
        return new Score(primary.getScore(), primary.getScoreError());
    }

    /**
     * JMH sums an EVENTS counter over iterations in its summary; with one
     * invocation per SingleShotTime iteration, the per-invocation value is the
     * mean of the iterations' own values.
     */
    private static double meanPerIteration(RunResult r, String counter) {
        double sum = 0;
        int n = 0;
        for (BenchmarkResult fork : r.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                Result<?> value = iteration.getSecondaryResults().get(counter);
                if (value != null) {
                    sum += value.getScore();
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
