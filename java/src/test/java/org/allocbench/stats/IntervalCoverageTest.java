package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Do the suite's 95% intervals cover the truth 95% of the time? Synthetic
 * campaigns with a known true ratio, drawn the way this host misbehaves, go
 * through the real code ({@link Ranking}, {@link Bootstrap}), and the share of
 * intervals that contain the truth is counted.
 *
 * <p>The model, in logs, for lane L (the reference, or an allocator 1.3x
 * slower) in fork k, round t: level_L + slot_k + jvm_{L,k} + ar_{L,k,t} +
 * outlier. {@code slot_k} (sd 0.10) is the host's state during fork k's slot of
 * the rotation, shared by every lane of that fork; {@code jvm_{L,k}} (sd 0.08,
 * and in 10% of processes +0.5: a JVM left in slower code) is the process's own
 * random effect; {@code ar} is an AR(1) drift within the process (phi 0.7,
 * innovations sd 0.03); an outlier round (5%) adds an exponential delay (mean
 * 0.5). The truth is the ratio of the levels; every random effect is the same
 * for both lanes in distribution, so the truth is the median of the per-fork
 * ratios.
 *
 * <p>Seeded: the same draws every run; about two seconds.
 */
class IntervalCoverageTest {

    private static final double TRUE_RATIO = 1.3;
    private static final int CAMPAIGNS = 400;
    private static final int ROUNDS = 7;
    private static final String TRACE = "small-churn";
    private static final String[] TRACES = {"small-churn", "logrand", "sort-tuples"};
    private static final double[] TRACE_RATIOS = {1.3, 0.8, 1.1};
    /** Fewer resamples than the default 10,000 (the interval's own noise is small against 400 campaigns). */
    private static final Bootstrap SIMULATION = new Bootstrap(0.95, 2000, 7L);
    private static final String[] ONE_TRACE = {TRACE};
    private static final double[] ONE_RATIO = {TRUE_RATIO};
    /** A cell's true level: the median over very many simulated processes of their medians. */
    private static final double CELL_TRUTH = trueMedianOfForkMedians(new SplittableRandom(99));

    @ParameterizedTest(name = "{0} forks")
    @ValueSource(ints = {3, 5, 10})
    void pairedRatioIntervalsCoverTheTrueRatio(int forks) {
        double coverage = coverage("paired ratio", forks, 1000 + forks, CAMPAIGNS, ONE_TRACE, ONE_RATIO, TRUE_RATIO,
                run -> bounds(ratioOf(run, "glibc", TRACE)));
        assertTrue(coverage >= 0.93, "nominal 95% paired intervals over " + forks + " forks covered the true ratio in "
                + coverage * 100 + "% of " + CAMPAIGNS + " campaigns; at least 93% required");
    }

    @ParameterizedTest(name = "{0} forks")
    @ValueSource(ints = {3, 5, 10})
    void geometricMeanIntervalsCoverTheTrueGeometricMean(int forks) {
        double truth = Math.exp((Math.log(1.3) + Math.log(0.8) + Math.log(1.1)) / 3);
        int campaigns = CAMPAIGNS / 2;
        double coverage = coverage("geometric mean", forks, 2000 + forks, campaigns, TRACES, TRACE_RATIOS, truth,
                run -> bounds(Ranking.overall(run, Ranking.View.PER_OP, SIMULATION).stream()
                        .filter(s -> s.allocator().equals("glibc")).findFirst().orElseThrow().geomean()));
        assertTrue(coverage >= 0.93, "nominal 95% geometric-mean intervals over " + forks + " forks covered the truth"
                + " in " + coverage * 100 + "% of " + campaigns + " campaigns; at least 93% required");
    }

    @ParameterizedTest(name = "{0} forks")
    @ValueSource(ints = {3, 5, 10})
    void cellIntervalsCoverTheTrueLevel(int forks) {
        // A cell's own level is not identified by its rounds alone: slot and JVM effects are part of what a
        // fresh measurement would see. The truth for one lane is the median of level x exp(slot + jvm + noise)
        // over processes; with symmetric slot noise and the skewed JVM effect, estimate it by simulation.
        double coverage = coverage("cell median", forks, 3000 + forks, CAMPAIGNS, ONE_TRACE, ONE_RATIO, CELL_TRUTH,
                run -> {
                    Cell ref = run.cell("aset-native", TRACE, Cell.REPLAY);
                    Bootstrap.Summary s = SIMULATION.cell("ref", ref.samples(), ref.sampleForks());
                    return new double[] {s.low(), s.high()};
                });
        assertTrue(coverage >= 0.93, "nominal 95% cell intervals over " + forks + " forks covered the true level in "
                + coverage * 100 + "% of " + CAMPAIGNS + " campaigns; at least 93% required");
    }

    /**
     * Why intervals over the rounds of one JVM are refused: resampling rounds as if they were independent, the
     * same campaigns' intervals miss the true ratio most of the time.
     */
    @ParameterizedTest(name = "{0} forks")
    @ValueSource(ints = {3, 5, 10})
    void roundsOnlyIntervalsUndercover(int forks) {
        double coverage = coverage("rounds-only", forks, 1000 + forks, CAMPAIGNS, ONE_TRACE, ONE_RATIO, TRUE_RATIO,
                run -> {
                    Cell a = run.cell("aset-native", TRACE, Cell.REPLAY);
                    Cell b = run.cell("glibc", TRACE, Cell.REPLAY);
                    // the same samples, their forks forgotten: every round one unit, as the old quick campaign did
                    return bounds(SIMULATION.unpaired("rounds", a.samples(), List.of(), b.samples(), List.of()));
                });
        assertTrue(coverage < 0.90, "rounds-only intervals were expected to undercover (below 90%, against the 93%"
                + " the suite's own intervals must reach); they covered " + coverage * 100 + "%");
    }

    /**
     * The share of {@code campaigns} simulated campaigns (seeded) whose interval, {low, high} as {@code interval}
     * reads it from the campaign, holds {@code truth}; printed for the test log.
     */
    private static double coverage(String what, int forks, long seed, int campaigns, String[] traces,
            double[] ratios, double truth, Function<RunResults, double[]> interval) {
        SplittableRandom random = new SplittableRandom(seed);
        int covered = 0;
        for (int i = 0; i < campaigns; i++) {
            double[] b = interval.apply(campaign(random, forks, traces, ratios));
            covered += b[0] <= truth && truth <= b[1] ? 1 : 0;
        }
        double coverage = covered / (double) campaigns;
        report(what, forks, coverage);
        return coverage;
    }

    private static double[] bounds(RatioEstimate e) {
        return new double[] {e.low(), e.high()};
    }

    /** One campaign: the reference and glibc on the given traces (glibc at the given true ratios). */
    private static RunResults campaign(SplittableRandom random, int forks, String[] traces, double[] ratios) {
        RunResults run = RunResults.start(Synthetic.info("sim"), Map.of("cpus", 2),
                new Settings(100_000, 42, 3, ROUNDS, forks, 1, "interleaved-forks"));
        List<List<Double>> samples = new ArrayList<>();
        List<List<Integer>> sampleForks = new ArrayList<>();
        for (int lane = 0; lane < 2 * traces.length; lane++) {
            samples.add(new ArrayList<>());
            sampleForks.add(new ArrayList<>());
        }
        for (int k = 0; k < forks; k++) {
            double slot = gaussian(random) * 0.10;
            for (int t = 0; t < traces.length; t++) {
                for (int side = 0; side < 2; side++) {
                    double level = Math.log(20.0) + (side == 1 ? Math.log(ratios[t]) : 0);
                    int lane = 2 * t + side;
                    for (double x : process(random, level + slot)) {
                        samples.get(lane).add(x);
                        sampleForks.get(lane).add(k);
                    }
                }
            }
        }
        for (int t = 0; t < traces.length; t++) {
            for (int side = 0; side < 2; side++) {
                int lane = 2 * t + side;
                run = run.withCell(Synthetic.cell(side == 0 ? "aset-native" : "glibc", traces[t], samples.get(lane),
                        sampleForks.get(lane)));
            }
        }
        return run;
    }

    /** One process's measured rounds around exp(logLevel): its JVM effect, AR(1) drift, outlier rounds. */
    private static double[] process(SplittableRandom random, double logLevel) {
        double jvm = gaussian(random) * 0.08 + (random.nextDouble() < 0.10 ? 0.5 : 0);
        double ar = 0;
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            ar = 0.7 * ar + gaussian(random) * 0.03;
            double outlier = random.nextDouble() < 0.05 ? -0.5 * Math.log(1 - random.nextDouble()) : 0;
            rounds[r] = Math.exp(logLevel + jvm + ar + outlier);
        }
        return rounds;
    }

    /** The median over very many processes (each with its slot effect) of a process's median: a cell's truth. */
    private static double trueMedianOfForkMedians(SplittableRandom random) {
        int n = 200_001;
        double[] medians = new double[n];
        for (int i = 0; i < n; i++) {
            medians[i] = Bootstrap.median(process(random, Math.log(20.0) + gaussian(random) * 0.10));
        }
        return Bootstrap.median(medians);
    }

    private static RatioEstimate ratioOf(RunResults run, String allocator, String trace) {
        return Ranking.trace(run, trace, Ranking.View.PER_OP, SIMULATION).stream()
                .filter(r -> r.cell().allocator().equals(allocator)).findFirst().orElseThrow().ratio();
    }

    /** The measured coverage, for the test log (the closing note of issue 14 quotes these). */
    private static void report(String what, int forks, double coverage) {
        System.out.printf(java.util.Locale.ROOT, "coverage of nominal 95%% intervals, %s, %d forks: %.1f%%%n", what,
                forks, coverage * 100);
    }

    private static double gaussian(SplittableRandom random) {
        return random.nextGaussian();
    }
}
