package org.allocbench.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.allocbench.results.Cell;
import org.allocbench.results.Interval;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The suite's one interval method: every confidence interval it prints or
 * stores (a cell's median, a ratio to the reference, a geometric mean over
 * traces, a gate's ratio, a drift check) comes from this class.
 *
 * <h2>The unit of resampling: the fork</h2>
 * Rounds measured in one process are not independent: they share its JIT
 * decisions, heap and library layout, and the machine's state of that minute
 * (Kalibera and Jones, "Rigorous benchmarking in reasonable time", 2013: the
 * process is a random effect). On this project's hosts one JVM's rounds agree
 * within 2% while the next JVM's sit 30% away. So every method first reduces
 * a fork's rounds to their median (robust to a GC pause or a preempted round),
 * and resamples forks. A cell's point value is the median of its fork medians
 * ({@link #cell}), everywhere.
 *
 * <h2>Fewer than {@value #MIN_FORKS} forks: within-JVM, and no verdict</h2>
 * With one or two forks there is nothing to resample but rounds. Such an
 * interval is computed (rounds resampled inside each fork) so a single-fork
 * run still shows its within-process spread, but it is labelled
 * {@link RatioEstimate.Method#ROUNDS} ("within one JVM"), and no verdict
 * (faster, slower, fail) is ever drawn from it: the coverage test
 * ({@code IntervalCoverageTest}) shows such intervals covering the truth in
 * far fewer than 95% of simulated campaigns.
 *
 * <h2>Small samples: the wider of two intervals</h2>
 * With 3 to 20 forks the plain percentile bootstrap is too narrow: its
 * interval can never reach beyond the range of the units, and the range of 3
 * values holds their median only 75% of the time. Two corrections, and the
 * interval is their hull (the lower of the two lows, the higher of the highs):
 * <ul>
 * <li>the expanded percentile interval (Hesterberg 2015, "What teachers should
 * know about the bootstrap", 4.2): percentiles at alpha'/2 and 1 - alpha'/2,
 * alpha' = 2 Phi(-sqrt(n/(n-1)) t_{n-1, 1-alpha/2});</li>
 * <li>the bootstrap standard-error interval with Student tails: point +-
 * t_{n-1, 1-alpha/2} x the standard deviation of the replicates, which can
 * reach beyond the range when n is 3 or 4.</li>
 * </ul>
 * In the simulation (fork random effects, AR(1) drift within forks, outlier
 * rounds) the hull covers at least 96% at n = 3 to 12; each alone dips to 75%
 * (percentile, n = 3) or 93% (standard error, n = 10). Conservative is the side
 * a gate should err on.
 *
 * <h2>Paired: {@link #paired}</h2>
 * Two allocators measured in the same slot of a rotation (fork k of a
 * campaign runs every lane once, back to back; the gate runs baseline and
 * candidate forks alternately) share that slot's slow drift of a shared host
 * (other tenants, thermal state, frequency). The ratio r_k = median(B_k) /
 * median(A_k) cancels it; the pairs are the independent units. The statistic
 * is the median of the r_k, not their geometric mean: on a shared 2-core host
 * a neighbour's build lands on some forks and not on their partners, and such
 * a pair's ratio is 0.4 or 3, not 1.1; the median needs more than half the
 * pairs hit before it moves. It is symmetric (A/B is exactly the reciprocal
 * of B/A).
 *
 * <h2>Geometric mean over traces: {@link #geomean}</h2>
 * An allocator's overall standing: the geometric mean over traces of its
 * paired ratios. Fork k ran every trace in the same slot, so forks are drawn
 * jointly for all traces (one draw of fork indices per replicate), keeping the
 * correlation between traces that a shared slot induces.
 *
 * <h2>Unpaired: {@link #unpaired}</h2>
 * Two runs made at different times ({@code compare}, a gate against a stored
 * run): each side's forks are resampled on their own, the statistic is the
 * ratio of the cells' points. The interval includes the between-run difference
 * of the host, which pairing would have cancelled: it is honest but wider.
 *
 * <p>Resampling uses {@link SplittableRandom}, seeded per cell from the seed
 * and the cell's key: the same data give the same interval, and adding a cell
 * changes no other cell's interval. Quantiles, medians and distributions come
 * from Apache Commons Statistics.
 */
public final class Bootstrap {

    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final int DEFAULT_RESAMPLES = 10_000;
    public static final long DEFAULT_SEED = 42L;
    /** The method at its defaults: what every table, report, export and recorded cell uses. */
    public static final Bootstrap DEFAULT = new Bootstrap(DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED);
    /** The fewest forks (independent units) an interval is computed over; below it, within-JVM. */
    public static final int MIN_FORKS = 3;

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

    public double confidence() {
        return confidence;
    }

    public int resamples() {
        return resamples;
    }

    public long seed() {
        return seed;
    }

    /** A cell's summary: the median of its fork medians, the interval of that median, and how it was made. */
    public record Summary(double median, double low, double high, Interval interval) {
    }

    /** The median of each fork's samples, forks in ascending id; all samples as one fork when {@code forks} is empty. */
    public static double[] forkMedians(List<Double> samples, List<Integer> forks) {
        return byFork(samples, forks).stream().mapToDouble(MEDIAN::evaluate).toArray();
    }

    /** The samples grouped by fork id (ascending); one group when {@code forks} is empty. */
    static List<double[]> byFork(List<Double> samples, List<Integer> forks) {
        return new ArrayList<>(groups(samples, forks).values());
    }

    /** The samples by fork id (ascending), each fork's in measurement order; fork 0 when {@code forks} is empty. */
    static TreeMap<Integer, double[]> groups(List<Double> samples, List<Integer> forks) {
        TreeMap<Integer, List<Double>> groups = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            groups.computeIfAbsent(forks.isEmpty() ? 0 : forks.get(i), f -> new ArrayList<>()).add(samples.get(i));
        }
        TreeMap<Integer, double[]> out = new TreeMap<>();
        groups.forEach((f, g) -> out.put(f, g.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** How many forks the samples came from (1 when {@code forks} is empty and there are samples). */
    public static int byForkCount(List<Double> samples, List<Integer> forks) {
        return groups(samples, forks).size();
    }

    public static double median(double[] values) {
        return values.length == 0 ? Double.NaN : MEDIAN.evaluate(values);
    }

    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** A cell's point value: the median of its fork medians (NaN without samples). */
    public static double point(List<Double> samples, List<Integer> forks) {
        return median(forkMedians(samples, forks));
    }

    /**
     * A cell's median and its interval: forks resampled when there are at
     * least {@value #MIN_FORKS}, else rounds within each fork (labelled
     * within-JVM). No interval for a single sample.
     */
    public Summary cell(String key, List<Double> samples, List<Integer> forks) {
        List<double[]> groups = byFork(samples, forks);
        double[] units = groups.stream().mapToDouble(MEDIAN::evaluate).toArray();
        double point = median(units);
        SplittableRandom random = random(key);
        if (groups.size() >= MIN_FORKS && allPositive(units)) {
            // in logs, like the ratios: ns/op are positive and their spread multiplicative, and the interval
            // stays above zero however few the forks
            double[] logs = logs(units);
            double[] b = interval(Math.log(point), medianReplicates(logs, random), logs.length, true);
            return new Summary(point, Math.exp(b[0]), Math.exp(b[1]),
                    new Interval(Interval.FORKS, "fork", logs.length, confidence));
        }
        Interval within = new Interval(Interval.WITHIN_JVM, "round", samples.size(), confidence);
        if (groups.size() >= MIN_FORKS || minSize(groups) < 2) { // non-positive values, or a fork of one round
            return new Summary(point, Double.NaN, Double.NaN, within);
        }
        double[] replicates = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            replicates[r] = withinForks(groups, random);
        }
        double[] b = interval(point, replicates, minSize(groups), false);
        return new Summary(point, b[0], b[1], within);
    }

    /**
     * Paired: {@code a[i]} and {@code b[i]} are the fork medians of pair i (the
     * same slot of a rotation). Ratio = median of b[i]/a[i]; pairs resampled.
     * Fewer than {@value #MIN_FORKS} pairs: the ratio without an interval.
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
        double point = n == 0 ? Double.NaN : MEDIAN.evaluate(logs);
        if (n < MIN_FORKS) {
            return tooFew(point, n, "pair");
        }
        double[] bounds = interval(point, medianReplicates(logs, random(key)), n, true);
        return new RatioEstimate(Math.exp(point), Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                RatioEstimate.Method.PAIRS, n, n, "");
    }

    /**
     * The geometric mean over traces of paired ratios, forks drawn jointly:
     * {@code a.get(t)[k]} and {@code b.get(t)[k]} are trace t's fork-k medians
     * of the reference and the allocator (NaN where fork k lacks the cell).
     * Every array has the same length, the number of fork slots.
     */
    public RatioEstimate geomean(String key, List<double[]> a, List<double[]> b) {
        int traces = a.size();
        int n = traces == 0 ? 0 : a.get(0).length;
        double[][] logs = new double[traces][n];
        for (int t = 0; t < traces; t++) {
            for (int k = 0; k < n; k++) {
                double x = a.get(t)[k];
                double y = b.get(t)[k];
                logs[t][k] = x > 0 && y > 0 && !Double.isInfinite(x) && !Double.isInfinite(y) ? Math.log(y / x)
                        : Double.NaN;
            }
        }
        int[] all = new int[n];
        for (int k = 0; k < n; k++) {
            all[k] = k;
        }
        double point = meanOfMedians(logs, all, new double[n]);
        if (Double.isNaN(point)) {
            return none(n, n, "no trace with a ratio");
        }
        if (n < MIN_FORKS) {
            return tooFew(point, n, "fork");
        }
        SplittableRandom random = random(key);
        double[] replicates = new double[resamples];
        int[] drawn = new int[n];
        double[] buf = new double[n];
        int kept = 0;
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n; i++) {
                drawn[i] = random.nextInt(n);
            }
            double m = meanOfMedians(logs, drawn, buf);
            if (!Double.isNaN(m)) {
                replicates[kept++] = m;
            }
        }
        double[] bounds = interval(point, java.util.Arrays.copyOf(replicates, kept), n, true);
        return new RatioEstimate(Math.exp(point), Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                RatioEstimate.Method.PAIRS, n, n, "");
    }

    /** The mean over traces of the median of the drawn forks' log ratios (NaN-skipping; NaN if no trace has one). */
    private static double meanOfMedians(double[][] logs, int[] drawn, double[] buf) {
        double sum = 0;
        int traces = 0;
        for (double[] trace : logs) {
            int m = 0;
            for (int k : drawn) {
                if (!Double.isNaN(trace[k])) {
                    buf[m++] = trace[k];
                }
            }
            if (m > 0) {
                sum += MEDIAN_IN_PLACE.evaluate(java.util.Arrays.copyOf(buf, m));
                traces++;
            }
        }
        return traces == 0 ? Double.NaN : sum / traces;
    }

    /** Unpaired, from two cells (their samples and sampleForks). */
    public RatioEstimate unpaired(String key, Cell a, Cell b) {
        return unpaired(key, a.samples(), a.sampleForks(), b.samples(), b.sampleForks());
    }

    /**
     * Unpaired: two independent sets of samples with their forks. The ratio of
     * the two cells' points (medians of fork medians). With at least
     * {@value #MIN_FORKS} forks on each side, forks resampled on each side;
     * otherwise rounds within each fork, labelled within-JVM (no verdict).
     */
    public RatioEstimate unpaired(String key, List<Double> samplesA, List<Integer> forksA, List<Double> samplesB,
            List<Integer> forksB) {
        List<double[]> groupsA = byFork(samplesA, forksA);
        List<double[]> groupsB = byFork(samplesB, forksB);
        double[] medA = groupsA.stream().mapToDouble(MEDIAN::evaluate).toArray();
        double[] medB = groupsB.stream().mapToDouble(MEDIAN::evaluate).toArray();
        if (medA.length == 0 || medB.length == 0 || !allPositive(medA) || !allPositive(medB)) {
            return none(groupsA.size(), groupsB.size(), "non-positive or missing values");
        }
        double point = Math.log(median(medB) / median(medA));
        SplittableRandom random = random(key);
        double[] replicates = new double[resamples];
        if (medA.length >= MIN_FORKS && medB.length >= MIN_FORKS) {
            double[] la = logs(medA);
            double[] lb = logs(medB);
            double[] bufA = new double[la.length];
            double[] bufB = new double[lb.length];
            for (int r = 0; r < resamples; r++) {
                replicates[r] = MEDIAN_IN_PLACE.evaluate(resample(lb, bufB, random))
                        - MEDIAN_IN_PLACE.evaluate(resample(la, bufA, random));
            }
            double[] bounds = interval(point, replicates, Math.min(la.length, lb.length), true);
            return new RatioEstimate(Math.exp(point), Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                    RatioEstimate.Method.FORKS, la.length, lb.length, "");
        }
        int n = Math.min(minSize(groupsA), minSize(groupsB));
        String why = "fewer than " + MIN_FORKS + " forks on a side: an interval over rounds within one JVM,"
                + " which are not independent (too narrow; no verdict)";
        if (n < 2) {
            return new RatioEstimate(Math.exp(point), Double.NaN, Double.NaN, confidence, RatioEstimate.Method.NONE,
                    samplesA.size(), samplesB.size(), "a single sample: no interval");
        }
        for (int r = 0; r < resamples; r++) {
            replicates[r] = Math.log(withinForks(groupsB, random) / withinForks(groupsA, random));
        }
        double[] bounds = interval(point, replicates, n, false);
        return new RatioEstimate(Math.exp(point), Math.exp(bounds[0]), Math.exp(bounds[1]), confidence,
                RatioEstimate.Method.ROUNDS, samplesA.size(), samplesB.size(), why);
    }

    /** The bootstrap distribution of the median of {@code values}: {@link #resamples} medians of resamples. */
    private double[] medianReplicates(double[] values, SplittableRandom random) {
        double[] replicates = new double[resamples];
        double[] buf = new double[values.length];
        for (int r = 0; r < resamples; r++) {
            replicates[r] = MEDIAN_IN_PLACE.evaluate(resample(values, buf, random));
        }
        return replicates;
    }

    /** A ratio exp(logPoint) over n units of {@code unit}: too few for an interval, said so. */
    private RatioEstimate tooFew(double logPoint, int n, String unit) {
        return new RatioEstimate(Math.exp(logPoint), Double.NaN, Double.NaN, confidence, RatioEstimate.Method.NONE, n,
                n, n + " " + unit + (n == 1 ? "" : "s") + ": an interval needs at least " + MIN_FORKS);
    }

    /** One replicate of a median of fork medians, rounds resampled inside each fork (forks kept). */
    private static double withinForks(List<double[]> groups, SplittableRandom random) {
        double[] medians = new double[groups.size()];
        for (int f = 0; f < medians.length; f++) {
            double[] g = groups.get(f);
            medians[f] = MEDIAN_IN_PLACE.evaluate(resample(g, new double[g.length], random));
        }
        return MEDIAN_IN_PLACE.evaluate(medians);
    }

    private static int minSize(List<double[]> groups) {
        return groups.stream().mapToInt(g -> g.length).min().orElse(0);
    }

    /**
     * The expanded alpha of Hesterberg's small-sample correction: the percentile
     * interval at alpha' has the width of a Student t interval at alpha for n units.
     */
    static double expandedAlpha(double alpha, int n) {
        double t = TDistribution.of(n - 1).inverseCumulativeProbability(1 - alpha / 2);
        return 2 * NormalDistribution.of(0, 1).cumulativeProbability(-Math.sqrt(n / (n - 1.0)) * t);
    }

    /**
     * The interval of a statistic from its replicates (sorted in place) and n
     * units: the expanded percentile interval, and for forks its hull with
     * point +- t x the replicates' standard deviation (see the class comment).
     * Within one JVM the percentile interval alone: it is labelled too narrow
     * anyway, and with 2 rounds t would be 12.7.
     */
    private double[] interval(double point, double[] replicates, int n, boolean overForks) {
        double alpha = 1 - confidence;
        java.util.Arrays.sort(replicates);
        double expanded = expandedAlpha(alpha, n);
        double[] q = QUANTILE.evaluate(replicates, expanded / 2, 1 - expanded / 2);
        if (!overForks) {
            return new double[] {Math.min(q[0], q[1]), Math.max(q[0], q[1])};
        }
        double sd = StandardDeviation.of(replicates).getAsDouble();
        double half = TDistribution.of(n - 1).inverseCumulativeProbability(1 - alpha / 2) * sd;
        return new double[] {Math.min(Math.min(q[0], q[1]), point - half), Math.max(Math.max(q[0], q[1]), point + half)};
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
