package org.allocbench.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.allocbench.results.Cell;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/** Synthetic runs with known answers for the statistics tests. */
final class Synthetic {

    private Synthetic() {
    }

    static RunInfo info(String id) {
        return new RunInfo(id, "gate", RunInfo.COMPLETE, "2026-11-22T05:00:00Z", "2026-11-22T05:01:00Z",
                "allocbench run --campaign gate", "allocbench.jar", null, null, "0.1.0");
    }

    static RunResults run(String id, int forks, Cell... cells) {
        RunResults r = RunResults.start(info(id), Map.of("cpus", 2), new Settings(100_000, 42, 3, 5, forks, 1,
                "interleaved-rounds"));
        for (Cell c : cells) {
            r = r.withCell(c);
        }
        return r;
    }

    static Cell cell(String allocator, String trace, List<Double> samples, List<Integer> forks) {
        return new Cell(allocator, trace, Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null, samples, forks,
                Bootstrap.point(samples, forks), null, null, Map.of(), List.of());
    }

    /** {@code forks} x {@code rounds} samples around {@code level}, multiplicative noise of +-{@code noise}. */
    static Cell noisy(String allocator, String trace, double level, double noise, int forks, int rounds,
            SplittableRandom random) {
        List<Double> samples = new ArrayList<>();
        List<Integer> sampleForks = new ArrayList<>();
        for (int f = 0; f < forks; f++) {
            double forkLevel = level * (1 + noise * (random.nextDouble() * 2 - 1));
            for (int r = 0; r < rounds; r++) {
                samples.add(forkLevel * (1 + noise / 2 * (random.nextDouble() * 2 - 1)));
                sampleForks.add(f);
            }
        }
        return cell(allocator, trace, samples, sampleForks);
    }

    /** One single-fork run per fork, with the given per-fork level of one cell ("aset-native x small-churn"). */
    static List<RunResults> forkRuns(String side, double[] levels) {
        List<RunResults> runs = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            double v = levels[i];
            runs.add(run(side + "-" + i, 1,
                    cell("aset-native", "small-churn", List.of(v, v * 1.01, v * 0.99, v * 1.02, v * 0.98),
                            List.of(0, 0, 0, 0, 0)),
                    cell("glibc", "small-churn", List.of(40.0, 40.4, 39.6, 40.8, 39.2), List.of(0, 0, 0, 0, 0))));
        }
        return runs;
    }
}
