package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.allocbench.results.Drift;
import org.junit.jupiter.api.Test;

class DriftCheckTest {

    /** {@code forks} forks of the same rounds, each scaled by its fork's level. */
    private static List<List<?>> forks(double[] rounds, double... levels) {
        List<Double> samples = new ArrayList<>();
        List<Integer> forks = new ArrayList<>();
        for (int k = 0; k < levels.length; k++) {
            for (double r : rounds) {
                samples.add(r * levels[k]);
                forks.add(k);
            }
        }
        return List.of(samples, forks);
    }

    @SuppressWarnings("unchecked")
    private static Drift drift(List<List<?>> data) {
        return DriftCheck.of(Bootstrap.DEFAULT, "k", (List<Double>) data.get(0), (List<Integer>) data.get(1));
    }

    @Test
    void aCellStillWarmingUpInEveryForkIsFlaggedWithItsTwoMedians() {
        // 7 rounds: the first 3 against the last 3, the middle one dropped
        Drift d = drift(forks(new double[] {79, 80, 81, 60, 45, 44, 46}, 1.0, 1.1, 0.9));
        assertTrue(d.flagged(), d.toString());
        assertEquals(80.0, d.early(), 1e-9);
        assertEquals(45.0, d.late(), 1e-9);
        assertEquals(45.0 / 80.0, d.ratio(), 1e-9);
    }

    @Test
    void stationaryNoiseIsNotFlagged() {
        SplittableRandom random = new SplittableRandom(5);
        double[] rounds = new double[7];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = 20 * (1 + 0.05 * random.nextGaussian());
        }
        double[] other = {rounds[6], rounds[5], rounds[4], rounds[3], rounds[2], rounds[1], rounds[0]};
        List<Double> samples = new ArrayList<>();
        List<Integer> forks = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            for (double r : k % 2 == 0 ? rounds : other) {
                samples.add(r);
                forks.add(k);
            }
        }
        assertFalse(DriftCheck.of(Bootstrap.DEFAULT, "k", samples, forks).flagged());
    }

    @Test
    void aSmallDriftMeasuredPreciselyIsNotMaterial() {
        Drift d = drift(forks(new double[] {20.0, 20.0, 20.0, 20.0, 19.6, 19.6, 19.6}, 1.0, 1.01, 0.99));
        assertTrue(d.high() < 1, "2% faster late, beyond the noise: " + d);
        assertFalse(d.flagged(), "but below the 5% worth a warning");
    }

    @Test
    void oneForkIsCheckedOnItsRounds() {
        Drift d = drift(forks(new double[] {50, 52, 51, 49, 30, 31, 29, 30}, 1.0));
        assertTrue(d.flagged(), d.toString());
        assertEquals(50.5, d.early(), 1e-9);
        assertEquals(30.0, d.late(), 1e-9);
    }

    @Test
    void tooFewRoundsForHalvesGiveNoCheck() {
        assertNull(drift(forks(new double[] {1, 2, 3}, 1.0, 1.0, 1.0)));
    }
}
