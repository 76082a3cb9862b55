package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.allocbench.bench.QuickReplay;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The quick run: a built-in pattern through the native AllocSet and through
 * glibc malloc over the same FFM binding, rounds interleaved (A B A B) so
 * machine noise hits both alike; prints ns/op, their ratio, and the
 * context's statistics at the end of the pattern. Parsing and pattern
 * generation happen before any timing.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Quick run: a built-in allocation pattern through the native AllocSet and glibc malloc.")
final class QuickRunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--batches", defaultValue = "1000", description = "Batches of 64 tuples in the pattern (default: ${DEFAULT-VALUE}).")
    private int batches;

    @Option(names = "--rounds", defaultValue = "7", description = "Measured rounds per allocator (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds per allocator, not reported (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pattern generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (batches < 1 || rounds < 1 || warmup < 0) {
            spec.commandLine().getErr().println("allocbench run: --batches and --rounds must be at least 1, --warmup at least 0");
            return 2;
        }
        OpSequence ops = BuiltinPatterns.perTupleBatches(batches, seed);
        long[] slots = new long[ops.slots()];
        out.printf("allocbench quick run: pattern %s, %,d ops (%,d alloc, %,d free, %,d realloc, %,d reset), seed %d%n",
                ops.name(), ops.length(), ops.count(OpSequence.ALLOC) + ops.count(OpSequence.ALLOC_ZEROED),
                ops.count(OpSequence.FREE), ops.count(OpSequence.REALLOC), ops.count(OpSequence.RESET), seed);
        out.printf("native core: %s layout; JVM %s; %d warm-up + %d measured rounds each, interleaved%n%n",
                AllocSetNative.variant(), Runtime.version(), warmup, rounds);
        out.flush();

        double[] allocSet = new double[rounds];
        double[] malloc = new double[rounds];
        double[] downcall = new double[rounds];
        for (int round = -warmup; round < rounds; round++) {
            progress(round, warmup, rounds);
            double a = nsPerOp(ops, () -> QuickReplay.allocSet(ops, slots, null));
            double m = nsPerOp(ops, () -> QuickReplay.malloc(ops, slots));
            double d = nsPerOp(ops, () -> QuickReplay.noopDowncalls(ops));
            if (round >= 0) {
                allocSet[round] = a;
                malloc[round] = m;
                downcall[round] = d;
            }
        }
        if (System.console() != null) {
            System.err.print("\r\033[K"); // clear the progress line
        }

        out.printf("%-40s %12s %10s %10s%n", "allocator (per-op downcalls, critical)", "median ns/op", "min", "max");
        row(out, "native AllocSet (pg16 layout)", allocSet);
        row(out, "glibc malloc/realloc/free", malloc);
        row(out, "(binding floor: a no-op downcall per op)", downcall);
        out.printf("%nAllocSet / malloc: %.2f (median of per-round ratios; below 1 means AllocSet is faster)%n",
                median(ratios(allocSet, malloc)));
        out.printf("%nMemory context statistics at the end of the pattern, before the final delete:%n");
        QuickReplay.allocSet(ops, slots, context -> out.print(context.dump()));
        out.flush();
        return 0;
    }

    private static double nsPerOp(OpSequence ops, Runnable replay) {
        long start = System.nanoTime();
        replay.run();
        return (System.nanoTime() - start) / (double) ops.length();
    }

    private static void progress(int round, int warmup, int rounds) {
        String what = round < 0 ? "warm-up " + (round + warmup + 1) + "/" + warmup : "round " + (round + 1) + "/" + rounds;
        if (System.console() != null) {
            System.err.print("\r\033[K" + what);
        }
    }

    private static void row(PrintWriter out, String name, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        out.printf("%-40s %12.1f %10.1f %10.1f%n", name, median(values), sorted[0], sorted[sorted.length - 1]);
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
