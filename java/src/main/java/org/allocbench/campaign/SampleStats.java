package org.allocbench.campaign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A cell's summary: the median of its samples and a 95% percentile-bootstrap
 * interval of that median, 2,000 resamples from a fixed seed (same samples,
 * same interval). With samples from two or more forks it resamples forks
 * first, then rounds within each drawn fork (rounds of one JVM are not
 * independent); with one fork, rounds.
 */
public final class SampleStats {

    public static final int RESAMPLES = 2000;
    public static final long SEED = 20261122L;

    /** median, ciLow, ciHigh; all null for no samples. */
    public record Summary(Double median, Double ciLow, Double ciHigh) {
    }

    private SampleStats() {
    }

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Summary summarise(List<Double> samples, List<Integer> forks) {
        if (samples.isEmpty()) {
            return new Summary(null, null, null);
        }
        TreeMap<Integer, List<Double>> byFork = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            byFork.computeIfAbsent(forks.isEmpty() ? 0 : forks.get(i), k -> new ArrayList<>()).add(samples.get(i));
        }
        List<double[]> groups = byFork.values().stream()
                .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray()).toList();
        SplittableRandom random = new SplittableRandom(SEED);
        double[] medians = new double[RESAMPLES];
        double[] buffer = new double[samples.size() * 2];
        for (int r = 0; r < RESAMPLES; r++) {
            int n = 0;
            if (groups.size() == 1) {
                double[] g = groups.get(0);
                for (int i = 0; i < g.length; i++) {
                    buffer[n++] = g[random.nextInt(g.length)];
                }
            } else {
                for (int f = 0; f < groups.size(); f++) {
                    double[] g = groups.get(random.nextInt(groups.size()));
                    for (int i = 0; i < g.length; i++) {
                        if (n == buffer.length) {
                            buffer = Arrays.copyOf(buffer, n * 2);
                        }
                        buffer[n++] = g[random.nextInt(g.length)];
                    }
                }
            }
            medians[r] = median(Arrays.copyOf(buffer, n));
        }
        Arrays.sort(medians);
        return new Summary(median(samples), medians[(int) Math.floor(0.025 * (RESAMPLES - 1))],
                medians[(int) Math.ceil(0.975 * (RESAMPLES - 1))]);
    }
}
