package org.allocbench.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.allocbench.results.Cell;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Bootstrap confidence intervals for the ratio B/A of two sets of ns/op samples.
 *
 * <h2>The unit of resampling</h2>
 * Rounds measured in one JVM are not independent: they share its JIT decisions,
 * heap and library layout, and the machine's state of that minute. The
 * independent unit is the fork (one JVM process). So every method first reduces
 * a fork's rounds to its median (robust to a GC pause or a preempted round), and
 * resamples forks. Only when a side has fewer than two forks are rounds
 * resampled, with a note: that interval is optimistic.
 *
 * <h2>Paired (the gate): {@link #paired}</h2>
 * The gate runs baseline and candidate forks alternately, A B A B, so A_i and
 * B_i ran back to back, under the same slow drift of a shared host (other
 * tenants, thermal state, frequency). The ratio r_i = median(B_i) / median(A_i)
 * cancels that drift; the pairs are the independent units. The statistic is the
 * median of the r_i. Not their mean (or geometric mean): on a shared 2-core host
 * a neighbour's build lands on some forks and not on their partners, and such a
 * pair's ratio is 0.4 or 3, not 1.1. A mean follows those pairs (and a few of
 * them on the candidate's side would fail a good build); the median needs more
 * than half the pairs to be hit before it moves. It is also symmetric (A/B gives
 * exactly the reciprocal of B/A). Pairs are resampled with replacement
 * ({@link SplittableRandom}, seeded: the same data give the same interval), and
 * the interval is the percentile interval of the resampled median. (The first
 * version used the geometric mean; on this project's 2-core CI-like host, with
 * a Maven build overlapping half the forks, it failed aset-java, a cell the
 * candidate had not changed. That is why the median.)
 *
 * <h2>Small samples: the expanded percentile interval</h2>
 * With n = 4 to 20 units the plain percentile bootstrap is too narrow (it uses
 * the plug-in spread, n-1 vs n, and normal rather than Student tails: for a mean
 * at n = 6 a nominal 95% interval covers about 88%). A gate must not fail on
 * noise, so the interval is expanded as in Hesterberg (2015, "What teachers
 * should know about the bootstrap", section 4.2): the percentiles are taken at
 * alpha'/2 and 1 - alpha'/2 with alpha' = 2 Phi(-sqrt(n/(n-1)) t_{n-1, 1-alpha/2}).
 * The correction is derived for means; for the median it errs on the wide,
 * conservative side, which is the side a gate should err on. For two
 * independent sides, n is the smaller side's count.
 *
 * <h2>Unpaired (compare, a stored baseline): {@link #unpaired}</h2>
 * Two runs made at different times: each side's forks are resampled on their
 * own, the statistic is the ratio of the medians of fork medians. The interval
 * includes the between-run difference of the host, which pairing would have
 * cancelled: it is honest but wider, and a host that drifted between the runs
 * biases it.
 *
 * <p>Quantiles, medians and means come from Apache Commons Statistics.
 */
public final class Bootstrap {

    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final int DEFAULT_RESAMPLES = 10_000;
    public static final long DEFAULT_SEED = 42L;

    private static final Median MEDIAN = Median.withDefaults();
    /** For scratch arrays: may reorder its input. */
    private static final Median MEDIAN_IN_PLACE = Median.withDefaults().withCopy(false);
    private static final Quantile QUANTILE = Quantile.withDefaults().withCopy(false);

    private final double confidence;
    private final int resamples;
    private final long seed;

    public Bootstrap(double confidence, int resamples, long seed) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1 (exclusive), got " + confidence);
        }
        if (resamples < 100) {
            throw new IllegalArgumentException("at least 100 bootstrap resamples, got " + resamples);
        }
        this.confidence = confidence;
        this.resamples = resamples;
        this.seed = seed;
    }

    public static Bootstrap withConfidence(double confidence) {
        return new Bootstrap(confidence, DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    public double confidence() {
        return confidence;
    }

    public int resamples() {
        return resamples;
    }

    public long seed() {
        return seed;
    }

    /** The median of each fork's samples, forks in ascending id; all samples as one fork when {@code forks} is empty. */
    public static double[] forkMedians(List<Double> samples, List<Integer> forks) {
        return byFork(samples, forks).stream().mapToDouble(MEDIAN::evaluate).toArray();
    }

    /** The samples grouped by fork id (ascending); one group when {@code forks} is empty. */
    static List<double[]> byFork(List<Double> samples, List<Integer> forks) {
        if (samples.isEmpty()) {
            return List.of();
        }
        if (forks.isEmpty()) {
            return List.of(samples.stream().mapToDouble(Double::doubleValue).toArray());
        }
        TreeMap<Integer, List<Double>> groups = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            groups.computeIfAbsent(forks.get(i), f -> new ArrayList<>()).add(samples.get(i));
        }
        return groups.values().stream().map(g -> g.stream().mapToDouble(Double::doubleValue).toArray()).toList();
    }

    public static double median(double[] values) {
        return values.length == 0 ? Double.NaN : MEDIAN.evaluate(values);
    }

    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Paired: {@code a[i]} and {@code b[i]} are the fork medians of pair i (ran
     * back to back). Ratio = median of b[i]/a[i]; pairs resampled.
     * {@code key} seeds this cell's random stream (with the seed).
     */
    public RatioEstimate paired(String key, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired samples must be as many on both sides: " + a.length + " vs " + b.length);
        }
        int n = a.length;
        if (!allPositive(a) || !allPositive(b)) {
            return none(n, n, "non-positive or missing values");
        }
        double[] logs = new double[n];
        for (int i = 0; i < n; i++) {
            logs[i] = Math.log(b[i] / a[i]);
        }
        double point = Math.exp(MEDIAN.evaluate(logs));
        if (n < 2) {
            return new RatioEstimate(point, Double.NaN, Double.NaN, confidence, RatioEstimate.Method.NONE, n, n,
                    "one pair: no interval");
        }
        SplittableRandom random = random(key);
        double[] replicates = new double[resamples];
        double[] buf = new double[n];
        for (int r = 0; r < resamples; r++) {
            replicates[r] = MEDIAN_IN_PLACE.evaluate(resample(logs, buf, random));
        }
        double[] bounds = interval(replicates, n);
        return new RatioEstimate(point, Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                RatioEstimate.Method.PAIRS, n, n, "");
    }

    /** Unpaired, from two cells (their samples and sampleForks). */
    public RatioEstimate unpaired(String key, Cell a, Cell b) {
        return unpaired(key, a.samples(), a.sampleForks(), b.samples(), b.sampleForks());
    }

    /**
     * Unpaired: two independent sets of samples with their forks. With at least
     * two forks on each side: forks resampled on each side, ratio of the medians
     * of fork medians. Otherwise rounds resampled, ratio of medians, noted.
     */
    public RatioEstimate unpaired(String key, List<Double> samplesA, List<Integer> forksA, List<Double> samplesB,
            List<Integer> forksB) {
        List<double[]> groupsA = byFork(samplesA, forksA);
        List<double[]> groupsB = byFork(samplesB, forksB);
        if (groupsA.size() >= 2 && groupsB.size() >= 2) {
            double[] la = logs(groupsA.stream().mapToDouble(MEDIAN::evaluate).toArray());
            double[] lb = logs(groupsB.stream().mapToDouble(MEDIAN::evaluate).toArray());
            if (la == null || lb == null) {
                return none(groupsA.size(), groupsB.size(), "non-positive or missing values");
            }
            double point = Math.exp(MEDIAN.evaluate(lb) - MEDIAN.evaluate(la));
            SplittableRandom random = random(key);
            double[] replicates = new double[resamples];
            double[] bufA = new double[la.length];
            double[] bufB = new double[lb.length];
            for (int r = 0; r < resamples; r++) {
                replicates[r] = MEDIAN_IN_PLACE.evaluate(resample(lb, bufB, random))
                        - MEDIAN_IN_PLACE.evaluate(resample(la, bufA, random));
            }
            double[] bounds = interval(replicates, Math.min(la.length, lb.length));
            return new RatioEstimate(point, Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                    RatioEstimate.Method.FORKS, la.length, lb.length, "");
        }
        double[] ra = samplesA.stream().mapToDouble(Double::doubleValue).toArray();
        double[] rb = samplesB.stream().mapToDouble(Double::doubleValue).toArray();
        if (!allPositive(ra) || !allPositive(rb) || ra.length == 0 || rb.length == 0) {
            return none(ra.length, rb.length, "non-positive or missing values");
        }
        double point = median(rb) / median(ra);
        if (ra.length < 2 || rb.length < 2) {
            return new RatioEstimate(point, Double.NaN, Double.NaN, confidence, RatioEstimate.Method.NONE, ra.length,
                    rb.length, "a single sample: no interval");
        }
        SplittableRandom random = random(key);
        double[] replicates = new double[resamples];
        double[] bufA = new double[ra.length];
        double[] bufB = new double[rb.length];
        for (int r = 0; r < resamples; r++) {
            replicates[r] = Math.log(MEDIAN_IN_PLACE.evaluate(resample(rb, bufB, random))
                    / MEDIAN_IN_PLACE.evaluate(resample(ra, bufA, random)));
        }
        double[] bounds = interval(replicates, Math.min(ra.length, rb.length));
        return new RatioEstimate(point, Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                RatioEstimate.Method.ROUNDS, ra.length, rb.length,
                "fewer than 2 forks on a side: rounds resampled, but rounds of one JVM are not independent,"
                        + " so this interval is too narrow");
    }

    /**
     * An interval for the median of one cell's samples (for a combined run's
     * ciLow/ciHigh): forks resampled (median of fork medians) when there are at
     * least two, else rounds.
     */
    public double[] medianInterval(String key, List<Double> samples, List<Integer> forks) {
        List<double[]> groups = byFork(samples, forks);
        double[] units = groups.size() >= 2 ? groups.stream().mapToDouble(MEDIAN::evaluate).toArray()
                : samples.stream().mapToDouble(Double::doubleValue).toArray();
        if (units.length < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom random = random(key);
        double[] replicates = new double[resamples];
        double[] buf = new double[units.length];
        for (int r = 0; r < resamples; r++) {
            replicates[r] = MEDIAN_IN_PLACE.evaluate(resample(units, buf, random));
        }
        return interval(replicates, units.length);
    }

    /**
     * The expanded alpha of Hesterberg's small-sample correction: the percentile
     * interval at alpha' has the width of a Student t interval at alpha for n units.
     */
    static double expandedAlpha(double alpha, int n) {
        double t = TDistribution.of(n - 1).inverseCumulativeProbability(1 - alpha / 2);
        return 2 * NormalDistribution.of(0, 1).cumulativeProbability(-Math.sqrt(n / (n - 1.0)) * t);
    }

    /** The expanded percentile interval of the replicates (sorted in place). */
    private double[] interval(double[] replicates, int n) {
        double alpha = expandedAlpha(1 - confidence, n);
        java.util.Arrays.sort(replicates);
        double[] q = QUANTILE.evaluate(replicates, alpha / 2, 1 - alpha / 2);
        return new double[] {Math.min(q[0], q[1]), Math.max(q[0], q[1])};
    }

    private SplittableRandom random(String key) {
        // one stream per cell: cells do not share draws, and adding a cell changes no other cell's interval
        return new SplittableRandom(seed ^ (key.hashCode() * 0x9E3779B97F4A7C15L));
    }

    private static double[] resample(double[] values, double[] into, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            into[i] = values[random.nextInt(values.length)];
        }
        return into;
    }

    private static double[] logs(double[] values) {
        if (!allPositive(values)) {
            return null;
        }
        double[] logs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            logs[i] = Math.log(values[i]);
        }
        return logs;
    }

    private static boolean allPositive(double[] values) {
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) {
                return false;
            }
        }
        return true;
    }

    private RatioEstimate none(int unitsA, int unitsB, String why) {
        return new RatioEstimate(Double.NaN, Double.NaN, Double.NaN, confidence, RatioEstimate.Method.NONE, unitsA,
                unitsB, why);
    }
}
