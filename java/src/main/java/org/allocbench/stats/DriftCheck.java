package org.allocbench.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Drift;

/**
 * Were a cell's measured rounds still moving? A process that is still
 * compiling, or whose heap or caches are still settling, measures two regimes
 * in one cell, and the median then depends on how many rounds fell in each
 * (one JVM's rounds went 79 -> 45 ns/op in a quick campaign). Per fork, the
 * first and the last half of the measured rounds (the middle one dropped when
 * their number is odd) are reduced to their medians, and the ratio late/early
 * is estimated like any other ratio ({@link Bootstrap}): paired over forks
 * when there are at least {@value Bootstrap#MIN_FORKS} (drift that every fork
 * shows is warm-up, not a neighbour), else over the rounds of the forks there
 * are. A cell is flagged when that interval excludes 1 (the change is beyond
 * the cell's own noise) and the change is at least {@link #MATERIAL}: a 1%
 * drift measured very precisely is not worth a warning.
 */
public final class DriftCheck {

    /** The smallest change late/early worth flagging. */
    public static final double MATERIAL = 0.05;
    /** The fewest measured rounds per fork a split into halves makes sense for. */
    public static final int MIN_ROUNDS = 4;

    private DriftCheck() {
    }

    /** The cell's drift, or null when no fork has {@value #MIN_ROUNDS} measured rounds. */
    public static Drift of(Bootstrap bootstrap, String key, List<Double> samples, List<Integer> forks) {
        List<Double> early = new ArrayList<>();
        List<Double> late = new ArrayList<>();
        List<Integer> earlyForks = new ArrayList<>();
        List<Integer> lateForks = new ArrayList<>();
        List<double[]> halves = new ArrayList<>();
        for (Map.Entry<Integer, double[]> fork : Bootstrap.groups(samples, forks).entrySet()) {
            double[] rounds = fork.getValue();
            if (rounds.length < MIN_ROUNDS) {
                continue;
            }
            int half = rounds.length / 2;
            double[] first = Arrays.copyOfRange(rounds, 0, half);
            double[] last = Arrays.copyOfRange(rounds, rounds.length - half, rounds.length);
            halves.add(new double[] {Bootstrap.median(first), Bootstrap.median(last)});
            for (int i = 0; i < half; i++) {
                early.add(first[i]);
                earlyForks.add(fork.getKey());
                late.add(last[i]);
                lateForks.add(fork.getKey());
            }
        }
        if (halves.isEmpty()) {
            return null;
        }
        double[] e = halves.stream().mapToDouble(h -> h[0]).toArray();
        double[] l = halves.stream().mapToDouble(h -> h[1]).toArray();
        RatioEstimate ratio = halves.size() >= Bootstrap.MIN_FORKS ? bootstrap.paired(key + " drift", e, l)
                : bootstrap.unpaired(key + " drift", early, earlyForks, late, lateForks);
        boolean beyondNoise = ratio.hasInterval() && (ratio.low() > 1 || ratio.high() < 1);
        boolean material = Math.abs(ratio.ratio() - 1) >= MATERIAL;
        return new Drift(Bootstrap.median(e), Bootstrap.median(l), ratio.ratio(),
                ratio.hasInterval() ? ratio.low() : null, ratio.hasInterval() ? ratio.high() : null,
                beyondNoise && material);
    }
}
