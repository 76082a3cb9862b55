package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.bench.BindingFloor;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The quick run: one built-in pattern through every allocator available here,
 * op for op through the allocator interface, rounds interleaved (each round
 * runs every allocator once, in a rotating order) so machine noise hits all
 * alike. Prints a ranked table with each allocator's ratio to the native
 * AllocSet (the median of per-round ratios), the binding's floor, what is
 * unavailable and why, and the native context's statistics at the end of the
 * pattern. Pattern generation happens before any timing.
 *
 * <p>Two floors are measured in every round, interleaved like the allocators
 * and never ranked: the binding's (a no-op FFM downcall per op) and the
 * harness's ({@code null}, {@link org.allocbench.alloc.NullAllocator}: the same
 * replay loop over a bump pointer that ignores frees). Naming {@code null} in
 * {@code --allocators} changes nothing: it is always the harness floor line.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Quick run: a built-in allocation pattern through every available allocator.")
final class QuickRunCommand implements Callable<Integer> {

    private static final String REFERENCE = "aset-native";

    private static final AllocatorFactory HARNESS_FLOOR = Allocators.harnessFloor();

    @Spec
    private CommandSpec spec;

    /** Each runnable allocator's capability note, read from its first instance. */
    private String[] notes;

    /** Per measured round: a no-op downcall per op, warmed up and interleaved like the allocators. */
    private double[] floor;

    /** Per measured round: the replay loop through the null allocator (the harness floor), interleaved likewise. */
    private double[] harnessFloor;

    /** The pattern names for the --pattern help. */
    static final class PatternNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Pattern.names().iterator();
        }
    }

    @Option(names = "--pattern", defaultValue = "per-tuple-batches", completionCandidates = PatternNames.class,
            description = "Built-in pattern, one of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private String pattern;

    @Option(names = "--ops", defaultValue = "800000", description = "Operations in the pattern (default: ${DEFAULT-VALUE}).")
    private int opCount;

    @Option(names = "--rounds", defaultValue = "7", description = "Measured rounds per allocator (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds per allocator, not reported (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--no-postgres", description = "Skip the pg15-real lane (a throwaway PostgreSQL 15 cluster,"
            + " about 2 s to start; run only where PostgreSQL 15 is installed).")
    private boolean noPostgres;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pattern generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--allocators", split = ",", paramLabel = "NAME",
            description = "Allocators to run, comma-separated (default: every available one).")
    private List<String> only;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (opCount < 1 || rounds < 1 || warmup < 0) {
            err.println("allocbench run: --ops and --rounds must be at least 1, --warmup at least 0");
            return 2;
        }
        OpSequence ops;
        List<AllocatorFactory> chosen;
        try {
            ops = BuiltinPatterns.byName(pattern, opCount, seed);
            chosen = only == null ? Allocators.all() : only.stream().map(Allocators::byName).toList();
            // the harness floor is measured in every round anyway, as its own line, never ranked
            chosen = chosen.stream().filter(f -> !f.name().equals(HARNESS_FLOOR.name())).toList();
        } catch (IllegalArgumentException e) {
            err.println("allocbench run: " + e.getMessage());
            return 2;
        }
        List<AllocatorFactory> runnable = chosen.stream().filter(f -> f.availability().available()).toList();
        if (runnable.isEmpty()) {
            err.println("allocbench run: none of the chosen allocators is available here");
            return 2;
        }

        out.printf("allocbench quick run: pattern %s, %,d ops (%,d alloc, %,d free, %,d realloc, %,d reset), seed %d%n",
                ops.name(), ops.length(), ops.count(OpSequence.ALLOC) + ops.count(OpSequence.ALLOC_ZEROED),
                ops.count(OpSequence.FREE), ops.count(OpSequence.REALLOC), ops.count(OpSequence.RESET), seed);
        out.printf("JVM %s; %d allocators; %d warm-up + %d measured rounds, each round runs every allocator once%n%n",
                Runtime.version(), runnable.size(), warmup, rounds);
        out.flush();

        double[][] nsPerOp = measure(ops, runnable);
        printTable(out, runnable, nsPerOp, floor);

        for (AllocatorFactory f : chosen) {
            if (!f.availability().available()) {
                out.printf("not run: %s (%s)%n", f.name(), f.availability().reason());
            }
        }
        WholeTraceLanes.run(out, ops, 1, rounds, !noPostgres);
        out.printf("%nAll allocators share one JVM here, so the replay loop's calls are not inlined per allocator;"
                + "%n`allocbench bench ReplayBenchmark` forks one JVM per allocator and trace for exact figures.%n");
        out.printf("%nMemory context statistics of %s at the end of the pattern, before the final delete:%n", REFERENCE);
        try (NativeAllocSetAllocator aset = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            AllocatorReplay.replay(aset, ops, new long[ops.slots()], new long[ops.slots()]);
            out.print(aset.dump());
        }
        out.flush();
        return 0;
    }

    /** nsPerOp[allocator][round]; rounds rotate the order so no allocator always runs first. */
    private double[][] measure(OpSequence ops, List<AllocatorFactory> runnable) {
        int n = runnable.size();
        double[][] nsPerOp = new double[n][rounds];
        notes = new String[n];
        floor = new double[rounds];
        harnessFloor = new double[rounds];
        long[] handles = new long[ops.slots()];
        long[] sizes = new long[ops.slots()];
        long started = System.nanoTime();
        for (int round = -warmup; round < rounds; round++) {
            for (int k = 0; k < n; k++) {
                int which = Math.floorMod(k + round, n);
                AllocatorFactory factory = runnable.get(which);
                progress(round, k, n, factory.name(), started);
                double t = time(ops, () -> {
                    try (Allocator a = factory.create()) {
                        AllocatorReplay.replay(a, ops, handles, sizes);
                        notes[which] = a.capabilities().note();
                    }
                });
                if (round >= 0) {
                    nsPerOp[which][round] = t;
                }
            }
            double f = time(ops, () -> BindingFloor.noopDowncalls(ops));
            double h = time(ops, () -> {
                try (Allocator a = HARNESS_FLOOR.create()) {
                    AllocatorReplay.replay(a, ops, handles, sizes);
                }
            });
            if (round >= 0) {
                floor[round] = f;
                harnessFloor[round] = h;
            }
        }
        if (System.console() != null) {
            System.err.print("\r\033[K"); // clear the progress line
        }
        return nsPerOp;
    }

    private void printTable(PrintWriter out, List<AllocatorFactory> runnable, double[][] nsPerOp, double[] floor) {
        int reference = -1;
        for (int i = 0; i < runnable.size(); i++) {
            if (runnable.get(i).name().equals(REFERENCE)) {
                reference = i;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < runnable.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> median(nsPerOp[i])));

        out.printf("%-4s %-15s %12s %8s %8s %14s%n", "rank", "allocator", "median ns/op", "min", "max",
                reference >= 0 ? "vs " + REFERENCE : "");
        int rank = 1;
        for (int i : order) {
            double[] sorted = nsPerOp[i].clone();
            Arrays.sort(sorted);
            String ratio = reference >= 0 ? String.format("%.2f", median(ratios(nsPerOp[i], nsPerOp[reference]))) : "";
            String name = runnable.get(i).name() + (notes[i].isEmpty() ? "" : " *");
            out.printf("%-4d %-15s %12.1f %8.1f %8.1f %14s%n", rank++, name, median(nsPerOp[i]), sorted[0],
                    sorted[sorted.length - 1], ratio);
        }
        out.printf("%-4s %-15s %12.1f   (a no-op FFM downcall per op: the binding's floor)%n", "", "floor",
                median(floor));
        out.printf("%-4s %-15s %12.1f   (the replay loop over a bump pointer, frees ignored: the harness floor)%n%n",
                "", "harness floor", median(harnessFloor));
        for (int i : order) {
            if (!notes[i].isEmpty()) {
                out.printf("* %s: %s%n", runnable.get(i).name(), notes[i]);
            }
        }
    }

    private static double time(OpSequence ops, Runnable replay) {
        long start = System.nanoTime();
        replay.run();
        return (System.nanoTime() - start) / (double) ops.length();
    }

    private void progress(int round, int k, int n, String name, long started) {
        if (System.console() == null) {
            return;
        }
        int done = (round + warmup) * n + k;
        int total = (rounds + warmup) * n;
        double elapsed = (System.nanoTime() - started) / 1e9;
        double remaining = done == 0 ? 0 : elapsed * (total - done) / done;
        String phase = round < 0 ? "warm-up " + (round + warmup + 1) + "/" + warmup : "round " + (round + 1) + "/" + rounds;
        System.err.printf("\r\033[K%s, %s (%d/%d), %.0fs elapsed, ~%.0fs left", phase, name, done + 1, total, elapsed,
                remaining);
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
