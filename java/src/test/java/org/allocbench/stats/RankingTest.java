package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;

class RankingTest {

    private static RatioEstimate e(double ratio, double low, double high) {
        return new RatioEstimate(ratio, low, high, 0.95, RatioEstimate.Method.PAIRS, 3, 3, "");
    }

    @Test
    void overlappingIntervalsShareARankAndTheNextRankSkips() {
        assertEquals(List.of("1", "2=", "2=", "4"), Ranking.ranks(List.of(e(0.5, 0.4, 0.6), e(1.0, 0.9, 1.1),
                e(1.05, 1.0, 1.2), e(2.0, 1.8, 2.2))));
    }

    @Test
    void aGroupNeedsEveryPairToOverlap() {
        // 1.58's interval overlaps 0.96's but not the reference's point 1.00: it does not join their rank
        assertEquals(List.of("1=", "1=", "3"), Ranking.ranks(List.of(e(0.96, 0.65, 1.42),
                RatioEstimate.identity(0.95), e(1.58, 1.41, 1.77))));
    }

    @Test
    void ratiosArePairedPerForkNotRatiosOfMedians() {
        // fork k's slot is slow for both lanes alike: paired, glibc is exactly 2x in every fork
        double[] slot = {10, 30, 12, 28, 11};
        List<Double> ref = new ArrayList<>();
        List<Double> glibc = new ArrayList<>();
        List<Integer> forks = new ArrayList<>();
        for (int k = 0; k < slot.length; k++) {
            for (int r = 0; r < 3; r++) {
                ref.add(slot[k]);
                glibc.add(2 * slot[k]);
                forks.add(k);
            }
        }
        RunResults run = RunResults.start(Synthetic.info("r"), Map.of(), new Settings(1, 1, 1, 3, 5, 1, "x"))
                .withCell(Synthetic.cell("aset-native", "t", ref, forks))
                .withCell(Synthetic.cell("glibc", "t", glibc, forks));
        List<Ranking.Row> rows = Ranking.trace(run, "t", Ranking.View.PER_OP, Bootstrap.DEFAULT);
        assertEquals(List.of("aset-native", "glibc"), rows.stream().map(r -> r.cell().allocator()).toList());
        RatioEstimate g = rows.get(1).ratio();
        assertEquals(2.0, g.ratio(), 1e-12);
        assertEquals(2.0, g.low(), 1e-12, "every pair says 2: the slot's slowness cancels");
        assertEquals(2.0, g.high(), 1e-12);
        assertEquals(RatioEstimate.Method.PAIRS, g.method());
        assertEquals(List.of("1", "2"), rows.stream().map(Ranking.Row::rank).toList());
    }

    @Test
    void fewerThanThreeForksGiveAWithinJvmRatio() {
        List<Integer> forks = List.of(0, 0, 0, 1, 1, 1);
        RunResults run = RunResults.start(Synthetic.info("r"), Map.of(), new Settings(1, 1, 1, 3, 2, 1, "x"))
                .withCell(Synthetic.cell("aset-native", "t", List.of(10.0, 10.2, 9.9, 11.0, 11.1, 10.8), forks))
                .withCell(Synthetic.cell("glibc", "t", List.of(20.0, 20.2, 19.9, 22.0, 22.1, 21.8), forks));
        RatioEstimate g = Ranking.trace(run, "t", Ranking.View.PER_OP, Bootstrap.DEFAULT).get(1).ratio();
        assertEquals(RatioEstimate.Method.ROUNDS, g.method());
        assertEquals(Verdict.WITHIN_JVM, g.verdict());
        assertTrue(g.formatInterval().endsWith("within-JVM"), g.formatInterval());
    }

    @Test
    void theOverallGeometricMeanIsOverTracesWithAnInterval() {
        List<Integer> forks = List.of(0, 1, 2, 3);
        RunResults run = RunResults.start(Synthetic.info("r"), Map.of(), new Settings(1, 1, 1, 1, 4, 1, "x"));
        run = run.withCell(Synthetic.cell("aset-native", "a", List.of(10.0, 11.0, 10.0, 12.0), forks))
                .withCell(Synthetic.cell("glibc", "a", List.of(20.0, 22.0, 20.0, 24.0), forks))
                .withCell(Synthetic.cell("aset-native", "b", List.of(10.0, 10.0, 10.0, 10.0), forks))
                .withCell(Synthetic.cell("glibc", "b", List.of(5.0, 5.0, 5.0, 5.0), forks));
        List<Ranking.Standing> overall = Ranking.overall(run, Ranking.View.PER_OP, Bootstrap.DEFAULT);
        Ranking.Standing glibc = overall.stream().filter(s -> s.allocator().equals("glibc")).findFirst().orElseThrow();
        assertEquals(1.0, glibc.geomean().ratio(), 1e-12, "sqrt(2 x 0.5)");
        assertEquals(2, glibc.traces());
        assertTrue(glibc.geomean().hasInterval());
        assertEquals(List.of("1=", "1="), overall.stream().map(Ranking.Standing::rank).toList());
    }

    @Test
    void cellsThatSkipFreesAreNotRanked() {
        List<Integer> forks = List.of(0, 1, 2);
        RunResults run = RunResults.start(Synthetic.info("r"), Map.of(), new Settings(1, 1, 1, 1, 3, 1, "x"))
                .withCell(Synthetic.cell("aset-native", "t", List.of(10.0, 11.0, 10.0), forks))
                .withCell(Synthetic.cell("jdk-arena", "t", List.of(1.0, 1.0, 1.0), forks))
                .withCell(new Cell("glibc", "t", Cell.REPLAY, Cell.NS_PER_OP, Cell.FAILED, "boom", List.of(),
                        List.of(), null, null, null, Map.of(), List.of()));
        assertEquals(List.of("aset-native"), Ranking.trace(run, "t", Ranking.View.PER_OP, Bootstrap.DEFAULT).stream()
                .map(r -> r.cell().allocator()).toList());
    }
}
