package org.allocbench.stats;

import static org.allocbench.stats.BootstrapTest.estimate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.GateDecision.Outcome;
import org.junit.jupiter.api.Test;

/** The gate's decision on synthetic fork results: pass, fail, no difference, and the Markdown summary. */
class GateDecisionTest {

    private static final double[] HOST = {20.0, 21.5, 19.4, 22.8, 20.3, 19.9};
    private final Bootstrap bootstrap = new Bootstrap(0.95, 10_000, 42);

    private static double[] times(double[] levels, double factor, double wobble) {
        double[] out = new double[levels.length];
        for (int i = 0; i < levels.length; i++) {
            out[i] = levels[i] * factor * (1 + (i % 2 == 0 ? wobble : -wobble));
        }
        return out;
    }

    @Test
    void outcomesAgainstTheThreshold() {
        assertEquals(Outcome.FAIL, GateDecision.outcome(estimate(1.08, 1.06, 1.10), 0.05));
        assertEquals(Outcome.SLOWER, GateDecision.outcome(estimate(1.05, 1.02, 1.08), 0.05));
        assertEquals(Outcome.SLOWER, GateDecision.outcome(estimate(1.07, 1.05, 1.09), 0.05)); // on the line: not beyond
        assertEquals(Outcome.NO_DIFFERENCE, GateDecision.outcome(estimate(1.0, 0.98, 1.03), 0.05));
        assertEquals(Outcome.FASTER, GateDecision.outcome(estimate(0.92, 0.90, 0.95), 0.05));
        assertEquals(Outcome.NO_DATA, GateDecision.outcome(
                new RatioEstimate(1.1, Double.NaN, Double.NaN, 0.95, RatioEstimate.Method.NONE, 1, 1, ""), 0.05));
        assertEquals(Outcome.WITHIN_JVM, GateDecision.outcome(
                new RatioEstimate(1.3, 1.2, 1.4, 0.95, RatioEstimate.Method.ROUNDS, 5, 5, ""), 0.05),
                "rounds of one JVM say 20% slower, but a gate never fails on them");
    }

    @Test
    void sameBuildPasses() {
        List<RunResults> a = Synthetic.forkRuns("A", HOST);
        List<RunResults> b = Synthetic.forkRuns("B", times(HOST, 1.0, 0.01));
        GateDecision d = GateDecision.paired(a, b, 0.05, bootstrap);
        assertTrue(d.passed(), d.table());
        assertEquals(2, d.rows().size());
        assertEquals("PASS: no cell regressed beyond 5% at 95% confidence", d.message());
        GateDecision.Row native_ = d.rows().get(0);
        assertEquals("aset-native x small-churn", native_.key());
        assertEquals(Outcome.NO_DIFFERENCE, native_.outcome());
        assertFalse(native_.inconclusive());
        assertEquals(Outcome.NO_DIFFERENCE, d.rows().get(1).outcome());
        assertEquals(1.0, d.rows().get(1).estimate().low());
    }

    @Test
    void tenPercentSlowerFailsNamingTheCell() {
        List<RunResults> a = Synthetic.forkRuns("A", HOST);
        List<RunResults> b = Synthetic.forkRuns("B", times(HOST, 1.10, 0.01));
        GateDecision d = GateDecision.paired(a, b, 0.05, bootstrap);
        assertFalse(d.passed());
        assertEquals(1, d.failures().size());
        GateDecision.Row f = d.failures().get(0);
        assertEquals("aset-native x small-churn", f.key());
        assertTrue(f.estimate().low() > 1.05 && f.estimate().high() < 1.15, f.estimate().format());
        assertTrue(d.message().startsWith("FAIL: 1 cell regressed beyond 5% (whole 95% interval above 1.050):"
                + " aset-native x small-churn 1.100 ["), d.message());
        assertEquals(f, d.worst());
    }

    @Test
    void slowerWithinToleranceOrTooNoisyPasses() {
        List<RunResults> a = Synthetic.forkRuns("A", HOST);
        GateDecision within = GateDecision.paired(a, Synthetic.forkRuns("B", times(HOST, 1.03, 0.005)), 0.05, bootstrap);
        assertTrue(within.passed());
        assertEquals(Outcome.SLOWER, within.rows().get(0).outcome());
        // 10% slower on average, but the pairs disagree wildly: the interval reaches below 1.05, so no FAIL
        GateDecision noisy = GateDecision.paired(a, Synthetic.forkRuns("B", times(HOST, 1.10, 0.15)), 0.05, bootstrap);
        assertTrue(noisy.passed(), noisy.table());
        assertTrue(noisy.rows().get(0).inconclusive());
        assertTrue(noisy.table().contains("(cannot rule out > 5%)"), noisy.table());
    }

    @Test
    void cellsMissingOnASideAreListed() {
        List<RunResults> a = Synthetic.forkRuns("A", HOST);
        List<RunResults> b = new java.util.ArrayList<>(Synthetic.forkRuns("B", HOST));
        b.replaceAll(r -> r.withCell(Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.NOT_RUN, "not installed")));
        GateDecision d = GateDecision.paired(a, b, 0.05, bootstrap);
        assertEquals(List.of("jemalloc x small-churn (baseline: 6 of 6 forks without it, candidate: 6 of 6 forks without it)"),
                d.notCompared());
    }

    @Test
    void markdownSummaryOfAFailingGate() {
        List<RunResults> a = Synthetic.forkRuns("A", new double[] {20, 21, 20, 22});
        List<RunResults> b = Synthetic.forkRuns("B", new double[] {22, 23.1, 22.2, 24.2});
        GateDecision d = GateDecision.paired(a, b, 0.05, new Bootstrap(0.95, 10_000, 42));
        assertEquals(EXPECTED_MARKDOWN, d.markdown("base.jar", "cand.jar", "gate"));
    }

    @Test
    void storedBaselineIsNotInterleaved() {
        RunResults stored = ForkRuns.combine(Synthetic.forkRuns("A", HOST), Synthetic.info("base"), bootstrap);
        assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1), stored.cells().get(0).sampleForks().subList(0, 10));
        GateDecision d = GateDecision.unpaired(stored, Synthetic.forkRuns("B", times(HOST, 1.2, 0.01)), 0.05, bootstrap);
        assertFalse(d.interleaved());
        assertFalse(d.passed());
        assertTrue(d.markdown("base", "cand", "gate").contains("**not interleaved** (weaker)"));
        assertNull(GateDecision.paired(List.of(), List.of(), 0.05, bootstrap).worst());
    }

    static final String EXPECTED_MARKDOWN = """
            ## allocbench gate: FAIL

            Candidate `cand.jar` against baseline `base.jar`, campaign `gate`, max regression 5%.

            Method: 4 fork pairs run interleaved on this host (A B, B A, A B, ...). Per pair, the ratio of the \
            candidate's fork median to the baseline's; the ratio below is their median, with a 95% bootstrap interval \
            over pairs (expanded percentile, 10,000 resamples, seed 42). A cell fails only when its whole \
            interval lies above 1.050.

            | cell | baseline ns/op | candidate ns/op | ratio | 95% interval | verdict |
            |---|---:|---:|---:|---|---|
            | aset-native x small-churn | 20.50 | 22.65 | 1.100 | [1.091, 1.110] | **FAIL** |
            | glibc x small-churn | 40.00 | 40.00 | 1.000 | [1.000, 1.000] | no difference |

            **Regressions beyond 5%:**

            - aset-native x small-churn: 1.100 [1.091, 1.110]

            """;
}
