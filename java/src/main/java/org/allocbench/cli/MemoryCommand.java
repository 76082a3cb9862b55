package org.allocbench.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.measure.MemoryCell;
import org.allocbench.measure.MemoryCellProcess;
import org.allocbench.measure.MemoryCellResult;
import org.allocbench.trace.OpBudget;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench memory}: for each allocator x trace, a fresh JVM runs one
 * {@link MemoryCell} ({@link MemoryCellProcess}) and prints its figures as one
 * JSON line; this command collects them into a table. A cell that fails is
 * reported with the tail of its stderr and the others go on; unavailable
 * allocators are listed with the reason.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Memory per allocator x trace, each cell in a fresh JVM: peak RSS, bytes held per live byte, "
                + "minor faults per op.",
                "held/live = allocator's own total bytes / live requested bytes at the end (marked *) when the "
                + "allocator knows its total, else RSS growth / live bytes at the end."})
final class MemoryCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocators", split = ",", paramLabel = "NAME",
            description = "Allocators, comma-separated (default: every one; unavailable ones are skipped with the reason).")
    private List<String> allocators;

    @Mixin
    private final TraceOptions patterns = TraceOptions.defaultDescribedAs("all built-in ones");

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
        List<Workload> traces;
        try {
            chosen = allocators == null ? Allocators.all() : allocators.stream().map(Allocators::byName).toList();
            List<String> named = patterns.names();
            traces = named.isEmpty() ? Workloads.resolveAll(Pattern.names())
                    : patterns.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"));
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
        List<String> notRun = new ArrayList<>(); // cells the allocator cannot replay by design, with the reason
        int cell = 0;
        int cells = runnable.size() * traces.size();
        for (AllocatorFactory f : runnable) {
            for (Workload p : traces) {
                cell++;
                err.printf("[%d/%d] %s x %s ...%n", cell, cells, f.name(), p.name());
                err.flush();
                MemoryCellProcess.Outcome o = MemoryCellProcess.run(classPath, f.name(), p.spec(), p.sha256(), ops, seed,
                        touch, Duration.ofSeconds(timeoutSeconds));
                if (o.result() != null) {
                    results.add(o.result());
                } else if (o.notRun() != null) {
                    notRun.add(f.name() + " x " + p.name() + " (" + o.notRun() + ")");
                } else {
                    failures.add(f.name() + " x " + p.name() + ": " + o.failure());
                    err.printf("[%d/%d] %s x %s FAILED: %s%n", cell, cells, f.name(), p.name(), o.failure());
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
        for (String cellNotRun : notRun) {
            out.printf("not run: %s%n", cellNotRun);
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
}
