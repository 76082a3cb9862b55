import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;

/**
 * VALIDATION-ONLY stand-in for `allocbench run --campaign gate --out BASE --no-postgres` until the real
 * campaign runner lands: the gate preset (aset-native, aset-pg15, aset-java, glibc + the harness floor;
 * small-churn, per-tuple-reset, logrand; 100,000 ops; 3 warm-up + 5 measured rounds, every allocator once
 * per round in a rotating order), one fork, results.json through ResultsStore. Not part of the product.
 */
public final class StandInCampaign {
    public static void main(String[] args) {
        Path base = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out")) base = Path.of(args[++i]);
        }
        if (args.length == 0 || !args[0].equals("run") || base == null) {
            System.err.println("usage: run --campaign gate --out BASE [--no-postgres]");
            System.exit(2);
        }
        int opCount = 100_000, warmup = 3, rounds = 5;
        long seed = 42;
        List<String> names = List.of("aset-native", "aset-pg15", "aset-java", "glibc", "null");
        List<String> traces = List.of("small-churn", "per-tuple-reset", "logrand");
        Path dir = ResultsStore.newRunDirectory(base, "gate", Instant.now());
        RunInfo info = new RunInfo(dir.getFileName().toString(), "gate", RunInfo.RUNNING, Instant.now().toString(), null,
                "stand-in run --campaign gate", null, null, null, "stand-in");
        RunResults results = RunResults.start(info, Map.of("cpus", Runtime.getRuntime().availableProcessors()),
                new Settings(opCount, seed, warmup, rounds, 1, 1, "interleaved-rounds"));
        for (String trace : traces) {
            OpSequence ops = BuiltinPatterns.byName(trace, opCount, seed);
            List<AllocatorFactory> fs = names.stream().map(n -> n.equals("null") ? Allocators.harnessFloor() : Allocators.byName(n)).toList();
            int n = fs.size();
            double[][] t = new double[n][rounds];
            long[] handles = new long[ops.slots()], sizes = new long[ops.slots()];
            for (int round = -warmup; round < rounds; round++) {
                for (int k = 0; k < n; k++) {
                    int which = Math.floorMod(k + round, n);
                    long start = System.nanoTime();
                    try (Allocator a = fs.get(which).create()) {
                        AllocatorReplay.replay(a, ops, handles, sizes);
                    }
                    double ns = (System.nanoTime() - start) / (double) ops.length();
                    if (round >= 0) t[which][round] = ns;
                }
            }
            for (int i = 0; i < n; i++) {
                List<Double> s = new ArrayList<>();
                List<Integer> f = new ArrayList<>();
                for (double v : t[i]) { s.add(v); f.add(0); }
                double[] sorted = t[i].clone(); java.util.Arrays.sort(sorted);
                String metric = names.get(i).equals("null") ? Cell.FLOOR : Cell.REPLAY;
                results = results.withCell(new Cell(names.get(i), trace, metric, Cell.NS_PER_OP, Cell.OK, null, s, f,
                        sorted[rounds / 2], sorted[0], sorted[rounds - 1], Map.of(), List.of()));
            }
            ResultsStore.write(dir, results);
        }
        ResultsStore.write(dir, results.withRun(info.ended(RunInfo.COMPLETE, Instant.now().toString())));
        System.out.println("wrote " + dir);
    }
}
