package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.allocbench.results.Cell;
import org.junit.jupiter.api.Test;

/** Bootstrap intervals on synthetic data whose answer is known. */
class BootstrapTest {

    private final Bootstrap bootstrap = new Bootstrap(0.95, 10_000, 7);

    @Test
    void identicalPairsGiveExactlyOne() {
        double[] a = {20.1, 19.7, 22.4, 20.0, 21.3, 19.9};
        RatioEstimate e = bootstrap.paired("x", a, a.clone());
        assertEquals(1.0, e.ratio());
        assertEquals(1.0, e.low());
        assertEquals(1.0, e.high());
        assertEquals(RatioEstimate.Method.PAIRS, e.method());
        assertEquals(Verdict.NO_DIFFERENCE, e.verdict());
    }

    @Test
    void identicalConstantRunsGiveExactlyOne() {
        List<Double> s = List.of(10.0, 10.0, 10.0, 10.0, 10.0, 10.0);
        List<Integer> f = List.of(0, 0, 1, 1, 2, 2);
        RatioEstimate e = bootstrap.unpaired("x", s, f, s, f);
        assertEquals(1.0, e.ratio());
        assertEquals(1.0, e.low());
        assertEquals(1.0, e.high());
        assertEquals(RatioEstimate.Method.FORKS, e.method());
        assertEquals(3, e.unitsA());
    }

    @Test
    void pairedTwentyPercentSlowerIsFoundWithNoise() {
        SplittableRandom random = new SplittableRandom(1);
        double[] a = new double[6];
        double[] b = new double[6];
        for (int i = 0; i < a.length; i++) {
            double host = 20 * (1 + 0.3 * random.nextDouble()); // the host drifts by up to 30% between pairs
            a[i] = host * (1 + 0.02 * (random.nextDouble() - 0.5));
            b[i] = 1.2 * host * (1 + 0.02 * (random.nextDouble() - 0.5));
        }
        RatioEstimate e = bootstrap.paired("aset-native x small-churn", a, b);
        assertEquals(1.2, e.ratio(), 0.02);
        assertTrue(e.low() > 1.15 && e.low() < 1.2 && e.high() > 1.2 && e.high() < 1.25, e.format());
        assertEquals(Verdict.SLOWER, e.verdict());
    }

    @Test
    void unpairedTwentyPercentSlowerOverForks() {
        SplittableRandom random = new SplittableRandom(2);
        Cell a = Synthetic.noisy("aset-native", "small-churn", 20, 0.04, 6, 5, random);
        Cell b = Synthetic.noisy("aset-native", "small-churn", 24, 0.04, 6, 5, random);
        RatioEstimate e = bootstrap.unpaired("k", a, b);
        assertEquals(RatioEstimate.Method.FORKS, e.method());
        assertTrue(e.low() > 1.1 && e.low() < 1.2 && e.high() > 1.2 && e.high() < 1.3, e.format());
        assertFalse(e.low() <= 1.0);
        assertEquals(Verdict.SLOWER, e.verdict());
        RatioEstimate reverse = bootstrap.unpaired("k", b, a);
        assertEquals(Verdict.FASTER, reverse.verdict());
        assertEquals(1 / e.ratio(), reverse.ratio(), 1e-12);
    }

    @Test
    void sameSeedSameIntervalOtherSeedOther() {
        SplittableRandom data = new SplittableRandom(5);
        double[] a = new double[15];
        double[] b = new double[15];
        for (int i = 0; i < a.length; i++) {
            a[i] = 20 + data.nextDouble();
            b[i] = a[i] * (1.05 + 0.1 * data.nextDouble());
        }
        RatioEstimate first = new Bootstrap(0.8, 5_000, 11).paired("k", a, b);
        RatioEstimate again = new Bootstrap(0.8, 5_000, 11).paired("k", a, b);
        RatioEstimate other = new Bootstrap(0.8, 5_000, 12).paired("k", a, b);
        assertEquals(first, again);
        // another seed: other draws, the same answer up to resampling noise (a median's replicates are
        // order statistics, so the bounds often coincide exactly)
        assertEquals(first.ratio(), other.ratio());
        assertEquals(first.low(), other.low(), 0.01);
        assertEquals(first.high(), other.high(), 0.01);
    }

    @Test
    void higherConfidenceIsWider() {
        double[] a = {20, 21, 19, 22, 20.5, 19.5};
        double[] b = {21, 23, 19.5, 22, 22.5, 20};
        RatioEstimate c90 = new Bootstrap(0.90, 10_000, 3).paired("k", a, b);
        RatioEstimate c99 = new Bootstrap(0.99, 10_000, 3).paired("k", a, b);
        assertTrue(c99.low() <= c90.low() && c99.high() >= c90.high(), c90.format() + " vs " + c99.format());
    }

    @Test
    void oneForkResamplesRoundsWithANote() {
        List<Double> a = List.of(20.0, 20.4, 19.8, 20.2, 20.1);
        List<Double> b = List.of(22.0, 22.4, 21.8, 22.2, 22.1);
        List<Integer> f = List.of(0, 0, 0, 0, 0);
        RatioEstimate e = bootstrap.unpaired("k", a, f, b, f);
        assertEquals(RatioEstimate.Method.ROUNDS, e.method());
        assertEquals(22.1 / 20.1, e.ratio(), 1e-12);
        assertTrue(e.note().contains("rounds within one JVM, which are not independent"), e.note());
        assertTrue(e.low() > 1, "the rounds alone would say slower: " + e.format());
        assertEquals(Verdict.WITHIN_JVM, e.verdict(), "but no verdict is drawn from rounds of one JVM");
        assertTrue(e.formatInterval().endsWith("within-JVM"), e.formatInterval());
    }

    @Test
    void tooLittleDataHasNoInterval() {
        RatioEstimate onePair = bootstrap.paired("k", new double[] {20}, new double[] {22});
        assertFalse(onePair.hasInterval());
        assertEquals(1.1, onePair.ratio(), 1e-12);
        assertEquals(Verdict.NO_DATA, onePair.verdict());
        RatioEstimate empty = bootstrap.unpaired("k", List.of(), List.of(), List.of(1.0, 2.0), List.of(0, 1));
        assertEquals(Verdict.NO_DATA, empty.verdict());
        assertThrows(IllegalArgumentException.class, () -> bootstrap.paired("k", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1.0, 1000, 1));
    }

    @Test
    void expandedAlphaMatchesStudentWidth() {
        // alpha' = 2 Phi(-sqrt(6/5) t_{5,0.975}) = 2 Phi(-2.8159) = 0.00486
        assertEquals(0.00486, Bootstrap.expandedAlpha(0.05, 6), 1e-4);
        // large n: back to the nominal alpha
        assertEquals(0.05, Bootstrap.expandedAlpha(0.05, 10_000), 1e-3);
    }

    @Test
    void forkMediansGroupByFork() {
        double[] m = Bootstrap.forkMedians(List.of(1.0, 9.0, 5.0, 2.0, 4.0, 3.0), List.of(1, 1, 1, 0, 0, 0));
        assertEquals(3.0, m[0]);
        assertEquals(5.0, m[1]);
        assertEquals(1, Bootstrap.forkMedians(List.of(1.0, 2.0), List.of()).length);
    }

    @Test
    void verdictsFromIntervals() {
        assertEquals(Verdict.FASTER, estimate(0.9, 0.85, 0.95).verdict());
        assertEquals(Verdict.SLOWER, estimate(1.1, 1.01, 1.2).verdict());
        assertEquals(Verdict.NO_DIFFERENCE, estimate(1.0, 0.99, 1.01).verdict());
        assertEquals(Verdict.NO_DIFFERENCE, estimate(1.0, 1.0, 1.0).verdict());
    }

    static RatioEstimate estimate(double ratio, double low, double high) {
        return new RatioEstimate(ratio, low, high, 0.95, RatioEstimate.Method.PAIRS, 6, 6, "");
    }
}
