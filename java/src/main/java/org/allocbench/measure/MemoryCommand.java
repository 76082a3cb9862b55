package org.allocbench.measure;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.trace.OpBudget;
import org.allocbench.trace.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench memory}: for each allocator x trace, a fresh JVM runs one
 * {@link MemoryCell} (same class path, flags and GLIBC_TUNABLES as this one)
 * and prints its figures as one JSON line; this command collects them into a
 * table. A cell that fails is reported with the tail of its stderr and the
 * others go on; unavailable allocators are listed with the reason.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Memory per allocator x trace, each cell in a fresh JVM: peak RSS, bytes held per live byte, "
                + "minor faults per op.",
                "held/live = allocator's own total bytes / live requested bytes at the end (marked *) when the "
                + "allocator knows its total, else RSS growth / live bytes at the end."})
public final class MemoryCommand implements Callable<Integer> {

    /** JVM flags every child gets (the launcher's). */
    static final List<String> CHILD_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocators", split = ",", paramLabel = "NAME",
            description = "Allocators, comma-separated (default: every one; unavailable ones are skipped with the reason).")
    private List<String> allocators;

    @Option(names = "--patterns", split = ",", paramLabel = "NAME",
            description = "Trace patterns, comma-separated (default: all built-in ones).")
    private List<String> patterns;

    @Option(names = "--ops", defaultValue = "200000", description = "Operations per trace (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the trace generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--touch", defaultValue = "ends",
            description = "ends: write the first and last byte of each allocation (AllocatorReplay, as the timing "
                    + "benchmarks); pages: one byte in every 4 KiB, so RSS counts all memory handed out "
                    + "(default: ${DEFAULT-VALUE}).")
    private String touch;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds one cell may take (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Option(names = "--raw", description = "Also print each cell's JSON line after the table.")
    private boolean raw;

    /** A cell's outcome: the result, or why there is none. */
    public record Outcome(MemoryCellResult result, String failure) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (ops < 1 || timeoutSeconds < 1) {
            err.println("allocbench memory: --ops and --timeout must be at least 1");
            return 2;
        }
        String tooMany = OpBudget.problem(ops); // each cell's JVM has this one's heap: it would fail after starting
        if (tooMany != null) {
            err.println("allocbench memory: --ops: " + tooMany);
            return 2;
        }
        if (!touch.equals("ends") && !touch.equals("pages")) {
            err.println("allocbench memory: --touch must be ends or pages, not \"" + touch + "\"");
            return 2;
        }
        List<AllocatorFactory> chosen;
        List<Pattern> traces;
        try {
            chosen = allocators == null ? Allocators.all() : allocators.stream().map(Allocators::byName).toList();
            traces = patterns == null ? List.of(Pattern.values()) : patterns.stream().map(Pattern::byName).toList();
        } catch (IllegalArgumentException e) {
            err.println("allocbench memory: " + e.getMessage());
            return 2;
        }
        List<AllocatorFactory> runnable = chosen.stream().filter(f -> f.availability().available()).toList();
        String classPath = System.getProperty("java.class.path");

        out.printf("allocbench memory: %,d ops per trace, seed %d, touch %s, one fresh JVM per cell (%d cells)%n%n",
                ops, seed, touch, runnable.size() * traces.size());
        out.flush();
        List<MemoryCellResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int cell = 0;
        int cells = runnable.size() * traces.size();
        for (AllocatorFactory f : runnable) {
            for (Pattern p : traces) {
                cell++;
                err.printf("[%d/%d] %s x %s ...%n", cell, cells, f.name(), p.patternName());
                err.flush();
                Outcome o = runChild(classPath, f.name(), p.patternName(), ops, seed, touch,
                        Duration.ofSeconds(timeoutSeconds));
                if (o.result() != null) {
                    results.add(o.result());
                } else {
                    failures.add(f.name() + " x " + p.patternName() + ": " + o.failure());
                    err.printf("[%d/%d] %s x %s FAILED: %s%n", cell, cells, f.name(), p.patternName(), o.failure());
                    err.flush();
                }
            }
        }
        printTable(out, results);
        if (raw) {
            out.println();
            results.forEach(r -> out.println(r.toJson()));
        }
        for (String failure : failures) {
            out.printf("failed: %s%n", failure);
        }
        for (AllocatorFactory f : chosen) {
            if (!f.availability().available()) {
                out.printf("not run: %s (%s)%n", f.name(), f.availability().reason());
            }
        }
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    static void printTable(PrintWriter out, List<MemoryCellResult> results) {
        out.printf("%-13s %-17s %12s %12s %11s %12s %10s %10s%n", "allocator", "trace", "peakRSS+MiB",
                "held/live", "RSS+/live", "peak+/pklive", "minflt/op", "thr flt/op");
        for (MemoryCellResult r : results) {
            out.printf("%-13s %-17s %12.2f %11s%s %11s %12s %10.4f %10.4f%n", r.allocator(), r.pattern(),
                    r.peakRssDeltaBytes() / (1024.0 * 1024.0), ratio(r.overheadRatio()),
                    "allocator-total".equals(r.overheadSource()) ? "*" : " ", ratio(r.rssPerLiveAtEnd()),
                    ratio(r.peakRssPerPeakLive()), r.minorFaultsPerOp(), r.threadMinorFaultsPerOp());
        }
        out.printf("%npeakRSS+ = VmHWM at the end - VmRSS at the baseline (after warm-up; VmHWM reset there);"
                + "%nheld/live = allocator's total bytes (*) or else RSS growth, over live requested bytes at the end;"
                + "%nRSS+/live = RSS growth / live bytes at the end; peak+/pklive = peakRSS+ / peak live requested bytes;"
                + "%nminflt/op = minor faults of the whole process per op; thr flt/op = of the replaying thread only."
                + "%n'-' = no live bytes to divide by (the trace ended with a reset).%n");
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.3f", r);
    }

    /** Runs one cell in a fresh JVM on {@code classPath}; never throws for a failing cell. */
    public static Outcome runChild(String classPath, String allocator, String pattern, int ops, long seed,
            String touch, Duration timeout) {
        Path errFile = null;
        Process p = null;
        try {
            errFile = Files.createTempFile("allocbench-memory-cell", ".err");
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable());
            cmd.addAll(CHILD_FLAGS);
            cmd.addAll(List.of("-cp", classPath, MemoryCell.class.getName(), allocator, pattern,
                    Integer.toString(ops), Long.toString(seed), touch));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            GlibcMalloc.environment(pb.environment());
            p = pb.start();
            Process child = p;
            // stdout is one short line; read it on a thread so the timeout below still holds
            var stdout = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    stdout.complete(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    stdout.completeExceptionally(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(null, "timed out after " + timeout.toSeconds() + " s" + tail(errFile));
            }
            String output = stdout.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                return new Outcome(null, "exit " + p.exitValue() + tail(errFile));
            }
            String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (line == null) {
                return new Outcome(null, "no result line on stdout" + tail(errFile));
            }
            return new Outcome(MemoryCellResult.fromJson(line), null);
        } catch (Exception e) {
            if (p != null) {
                p.destroyForcibly();
            }
            return new Outcome(null, e.toString() + (errFile != null ? tail(errFile) : ""));
        } finally {
            if (errFile != null) {
                try {
                    Files.deleteIfExists(errFile);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The last lines of the child's stderr, for a failure message. */
    private static String tail(Path errFile) {
        try {
            List<String> lines = Files.readAllLines(errFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return " (stderr empty)";
            }
            return "; stderr tail:\n    " + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return " (stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private static String javaExecutable() throws IOException {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IOException("cannot find this JVM's java executable"));
    }
}
