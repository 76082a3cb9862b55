package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.allocbench.bench.HugePagesBenchmark;
import org.allocbench.bench.HugePagesBenchmark.Mapping;
import org.allocbench.nativecore.HugePagePool;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The huge-pages campaign as one command: {@link HugePagesBenchmark}'s three
 * benchmarks over every selected (kind, mapping) pair, one JMH run per cell
 * in this JVM (so each cell reports as it ends and a failing cell keeps its
 * reason), then one table with ratios to 4 KiB pages of the same run.
 *
 * <p>The benchmark never reserves huge pages; this command does, as root,
 * and only what the run lacks, restoring each pool's nr_hugepages in a
 * finally block and a shutdown hook (Ctrl-C), since a forgotten reservation
 * keeps gigabytes away from everything else on the host. Forks get their JVM
 * flags from the benchmark's {@code @Fork} and inherit this JVM's environment.
 */
@Command(name = "hugepages", mixinStandardHelpOptions = true, description = {
    "What huge pages buy: first-touch time and page faults, random-access latency, and an AllocSet replay,"
            + " on segments of 4 KiB pages (4k), transparent huge pages (thp) and hugetlb pages (2m, 1g).",
    "As root, reserves the 2 MiB / 1 GiB pages the run needs and restores the pools afterwards (also on"
            + " failure or Ctrl-C); otherwise says what is missing and runs what it can.",
    "Runs HugePagesBenchmark through JMH (one fork per cell); a default run takes about 2 minutes.",
    "Example: allocbench hugepages --kinds anonymous,sysv --out hugepages.json"})
final class HugePagesCommand implements Callable<Integer> {

    private static final List<String> BENCHMARKS = List.of("firstTouch", "randomAccess", "replayOnSegment");

    @Spec
    private CommandSpec spec;

    @Option(names = "--size", defaultValue = "1g", paramLabel = "SIZE",
            description = "Segment size (1g, 512m, bytes), well above the TLB reach of 4 KiB pages; 1g needs"
                    + " SIZE / 1 GiB pages of 1 GiB (default: ${DEFAULT-VALUE}).")
    private String size;

    @Option(names = "--mappings", split = ",", paramLabel = "MAPPING", defaultValue = "4k,thp,2m,1g",
            description = "4k (normal pages), thp (transparent huge pages), 2m and 1g (hugetlb pages)"
                    + " (default: ${DEFAULT-VALUE}).")
    private List<String> mappings;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND", defaultValue = "anonymous",
            description = "Segment kinds: anonymous (all mappings), sysv (4k, 2m, 1g), posix (4k only); pairs a"
                    + " kind cannot have are listed as skipped (default: ${DEFAULT-VALUE}).")
    private List<String> kinds;

    @Option(names = "--forks", defaultValue = "2", paramLabel = "N",
            description = "JMH forks per cell (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Measured iterations per fork (default: the benchmark's, 5 first touches and 3 s of the"
                    + " others).")
    private Integer iterations;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up iterations per fork (default: the benchmark's, 1 first touch and 2 s of the"
                    + " others).")
    private Integer warmup;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the JMH JSON of all cells here, and JMH's own output beside it (FILE.log).")
    private Path out;

    /** A time and JMH's 99.9% error; NaN where there is none. */
    record Score(double value, double error) {
        static final Score NONE = new Score(Double.NaN, Double.NaN);
    }

    /** One (kind, mapping) of the table. */
    record Row(String kind, String mapping, double faultsPerGiB, Score firstTouchMs, Score randomNs, Score replayNs) {
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long bytes;
        List<Mapping> chosenMappings = new ArrayList<>();
        List<SegmentKind> chosenKinds = new ArrayList<>();
        try {
            bytes = HugePagesBenchmark.parseSize(size);
            for (String m : mappings) {
                chosenMappings.add(Mapping.byLabel(m));
            }
            for (String k : kinds) {
                SegmentKind kind = SegmentKind.parse(k);
                if (kind == SegmentKind.FILE) {
                    throw new IllegalArgumentException("file segments are not part of this campaign"
                            + " (expected anonymous, sysv or posix)");
                }
                chosenKinds.add(kind);
            }
        } catch (IllegalArgumentException e) {
            err.println("allocbench hugepages: " + e.getMessage());
            return 2;
        }
        if (forks < 1 || (iterations != null && iterations < 1) || (warmup != null && warmup < 0)) {
            err.println("allocbench hugepages: --forks and --iterations must be at least 1, --warmup at least 0");
            return 2;
        }

        List<String> notes = new ArrayList<>();
        Map<SegmentKind, List<Mapping>> plan = new LinkedHashMap<>();
        for (SegmentKind kind : chosenKinds) {
            for (Mapping m : chosenMappings) {
                Optional<String> why = HugePagesBenchmark.unsupported(kind, m);
                if (why.isPresent()) {
                    notes.add("skipped: " + kind.label() + " x " + m.label() + ": " + why.get());
                } else {
                    plan.computeIfAbsent(kind, k -> new ArrayList<>()).add(m);
                }
            }
        }
        boolean root = isRoot();
        stdout.printf("allocbench hugepages: segments of %s (%,d bytes); mappings %s; kinds %s; %d fork(s) per cell%n",
                size, bytes, String.join(",", mappings), String.join(",", kinds), forks);
        stdout.printf("THP enabled %s, shmem_enabled %s; %s%n", sysfsChoice("enabled"), sysfsChoice("shmem_enabled"),
                root ? "running as root: reserving the huge pages this run needs"
                        : "not root: huge pages cannot be reserved");
        stdout.flush();

        List<RunResult> results = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Path log;
        try {
            if (out != null && out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent()); // --out new/dir/cells.json, as run --out
            }
            log = out != null ? Path.of(out + ".log") : Files.createTempFile("allocbench-hugepages-", ".log");
            Files.writeString(log, "");
        } catch (IOException e) {
            err.println("allocbench hugepages: cannot create the JMH log: " + e.getMessage());
            return 2;
        }
        PoolGuard pools = new PoolGuard();
        Runtime.getRuntime().addShutdownHook(pools.hook);
        try {
            for (Mapping m : chosenMappings) {
                long needed = HugePagesBenchmark.hugePagesNeeded(m, bytes);
                boolean used = plan.values().stream().anyMatch(list -> list.contains(m));
                if (needed == 0 || !used) {
                    continue;
                }
                if (root) {
                    pools.ensure(m, bytes).ifPresent(stdout::println);
                }
                Optional<String> missing = HugePagesBenchmark.missingHugePages(m, bytes);
                if (missing.isPresent()) {
                    notes.add("not run: " + missing.get());
                    plan.values().forEach(list -> list.remove(m));
                }
            }
            stdout.flush();
            int cells = plan.values().stream().mapToInt(List::size).sum() * BENCHMARKS.size();
            int cell = 0;
            for (Map.Entry<SegmentKind, List<Mapping>> entry : plan.entrySet()) {
                for (Mapping m : entry.getValue()) {
                    if (root && m.hugePageSize() != 0) {
                        // other processes may have taken pages from the pool since: top it up again
                        pools.ensure(m, bytes).ifPresent(err::println);
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
                            err.printf("[%d/%d] %s: %s %s%n", cell, cells, name, cell(score(o.result())),
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

        stdout.println();
        table(rows).forEach(stdout::println);
        stdout.println();
        stdout.println("faults/GiB: minor faults the first touch (one write per 4 KiB) took per GiB, mean per"
                + " invocation; 262,144 = every 4 KiB page.");
        stdout.println("vs 4k: ratio to 4k pages of the same kind in this run (below 1.00 is faster); +- is JMH's"
                + " 99.9% error. Cells ran one after another on a shared host: trust ratios, not single times.");
        if (plan.values().stream().anyMatch(list -> list.contains(Mapping.TRANSPARENT))
                && !sysfsChoice("shmem_enabled").matches("always|within_size|advise")) {
            stdout.println("thp is a private mapping (shmem_enabled gives shared memory no THP): its faults take the"
                    + " anonymous-memory path, the other rows' take shmem's.");
        }
        notes.forEach(stdout::println);
        failures.forEach(f -> stdout.println("failed: " + f));
        if (out != null) {
            try (PrintStream json = new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(results);
                stdout.println("JMH JSON: " + out);
            } catch (IOException e) {
                failures.add("cannot write " + out + ": " + e.getMessage());
                stdout.println("failed: cannot write " + out + ": " + e.getMessage());
            }
        }
        stdout.println("JMH output: " + log);
        restored.forEach(stdout::println);
        stdout.println("took " + elapsed(Duration.ofNanos(System.nanoTime() - started)));
        stdout.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    // ---- running cells ----

    /** A cell's result, and why there is none or only part of one. */
    private record CellOutcome(RunResult result, String failure) {
    }

    private CellOutcome runCell(String benchmark, SegmentKind kind, Mapping mapping, Path log) {
        Path cellLog = null;
        try {
            cellLog = Files.createTempFile("allocbench-hugepages-cell-", ".log");
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + Pattern.quote(HugePagesBenchmark.class.getName() + "." + benchmark) + "$")
                    .param("kind", kind.label())
                    .param("mapping", mapping.label())
                    .param("size", size)
                    .forks(forks)
                    .shouldFailOnError(false)
                    .verbosity(VerboseMode.NORMAL)
                    .output(cellLog.toString());
            if (iterations != null) {
                options.measurementIterations(iterations);
            }
            if (warmup != null) {
                options.warmupIterations(warmup);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            String text = Files.readString(cellLog);
            Files.writeString(log, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            String reason = firstException(text).orElse("no result; see " + log);
            if (results.isEmpty()) {
                return new CellOutcome(null, reason);
            }
            // a failed fork is left out of the result: keep the others, but say so
            RunResult result = results.iterator().next();
            int measured = result.getBenchmarkResults().size();
            return new CellOutcome(result, measured < forks
                    ? measured + " of " + forks + " forks gave a result; the others: " + reason : null);
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

    // ---- the table ----

    private static final String LAYOUT = "%-10s %-8s %10s  %17s %6s  %17s %6s  %17s %6s";

    /** The table: header, then one line per row, ratios against 4k of the same kind (else anonymous 4k). */
    static List<String> table(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, LAYOUT, "kind", "mapping", "faults/GiB", "first touch ms", "vs 4k",
                "random ns/load", "vs 4k", "replay ns/op", "vs 4k"));
        for (Row r : rows) {
            Row base = baseline(rows, r.kind());
            lines.add(String.format(Locale.ROOT, LAYOUT, r.kind(), r.mapping(),
                    Double.isNaN(r.faultsPerGiB()) ? "-" : String.format(Locale.ROOT, "%,.0f", r.faultsPerGiB()),
                    cell(r.firstTouchMs()), ratio(r.firstTouchMs(), base == null ? null : base.firstTouchMs()),
                    cell(r.randomNs()), ratio(r.randomNs(), base == null ? null : base.randomNs()),
                    cell(r.replayNs()), ratio(r.replayNs(), base == null ? null : base.replayNs())));
        }
        return lines;
    }

    private static Row baseline(List<Row> rows, String kind) {
        Row anonymous = null;
        for (Row r : rows) {
            if (r.mapping().equals(Mapping.SMALL.label())) {
                if (r.kind().equals(kind)) {
                    return r;
                }
                if (r.kind().equals(SegmentKind.ANONYMOUS.label())) {
                    anonymous = r;
                }
            }
        }
        return anonymous;
    }

    /** "958.3 +- 671.9", "958.3" without an error, "-" without a value. */
    static String cell(Score s) {
        if (Double.isNaN(s.value())) {
            return "-";
        }
        return Double.isNaN(s.error()) ? String.format(Locale.ROOT, "%.1f", s.value())
                : String.format(Locale.ROOT, "%.1f +- %.1f", s.value(), s.error());
    }

    /** value / base with two decimals, "-" if either is missing. */
    static String ratio(Score value, Score base) {
        if (base == null || Double.isNaN(value.value()) || Double.isNaN(base.value()) || base.value() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", value.value() / base.value());
    }

    static String elapsed(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    // ---- the host ----

    /** Effective uid 0, from /proc/self/status. */
    private static boolean isRoot() {
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

    /** The bracketed choice of /sys/kernel/mm/transparent_hugepage/NAME, or "unknown". */
    private static String sysfsChoice(String name) {
        try {
            String text = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage", name));
            int open = text.indexOf('[');
            int close = text.indexOf(']', open + 1);
            return open >= 0 && close > open ? text.substring(open + 1, close) : text.strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---- the pools ----

    /** What the pool guard restored, printed at the end (the hook prints to stderr itself). */
    private final List<String> restored = new ArrayList<>();

    /**
     * Raises nr_hugepages where the run lacks pages and puts back the previous
     * values once, from close() or the shutdown hook, whichever comes first.
     */
    private static final class PoolGuard {

        private final Map<Long, Long> previous = new LinkedHashMap<>();
        final Thread hook = new Thread(() -> restore(System.err::println), "allocbench-hugepages-restore");
        private boolean done;

        /** Reserves what {@code mapping} at {@code bytes} lacks; returns what it did, if anything. */
        Optional<String> ensure(Mapping mapping, long bytes) {
            long pageSize = mapping.hugePageSize();
            HugePagePool pool = HugePagePool.of(pageSize);
            long needed = HugePagesBenchmark.hugePagesNeeded(mapping, bytes);
            long available = pool.free() - pool.reserved();
            if (!pool.supported() || available >= needed) {
                return Optional.empty();
            }
            long target = pool.total() + needed - available;
            synchronized (this) {
                if (previous.putIfAbsent(pageSize, pool.total()) == null) {
                    Ownership.claim(poolResource(pageSize, pool.total()));
                }
            }
            try {
                HugePagePool.reserve(pageSize, target);
            } catch (RuntimeException e) {
                return Optional.of("could not reserve " + target + " huge pages of " + (pageSize >> 10) + " kB: "
                        + e.getMessage());
            }
            HugePagePool now = HugePagePool.of(pageSize);
            return Optional.of(String.format(Locale.ROOT, "reserved: nr_hugepages of %d kB %d -> %d%s",
                    pageSize >> 10, pool.total(), now.total(),
                    now.total() < target ? " (asked for " + target + "; memory too fragmented for more)" : ""));
        }

        /** A raised pool as the owner record lists it: a reaper writes {@code previous} back after a kill. */
        private static Resource.HugePool poolResource(long pageSize, long previous) {
            return new Resource.HugePool(Path.of("/sys/kernel/mm/hugepages/hugepages-" + (pageSize >> 10)
                    + "kB/nr_hugepages"), previous);
        }

        synchronized void restore(java.util.function.Consumer<String> report) {
            if (done) {
                return;
            }
            done = true;
            previous.forEach((pageSize, total) -> {
                try {
                    HugePagePool.reserve(pageSize, total);
                    Ownership.release(poolResource(pageSize, total));
                    long now = HugePagePool.of(pageSize).total();
                    // on Ctrl-C a fork may still map pages: the kernel frees them (surplus) when it exits
                    report.accept(String.format(Locale.ROOT, "restored: nr_hugepages of %d kB back to %d%s",
                            pageSize >> 10, total, now == total ? ""
                                    : " (" + now + " until a fork still mapping them exits)"));
                } catch (RuntimeException e) {
                    report.accept(String.format(Locale.ROOT, "could not restore nr_hugepages of %d kB to %d: %s;"
                            + " do it by hand: echo %d > /sys/kernel/mm/hugepages/hugepages-%dkB/nr_hugepages",
                            pageSize >> 10, total, e.getMessage(), total, pageSize >> 10));
                }
            });
        }
    }
}
