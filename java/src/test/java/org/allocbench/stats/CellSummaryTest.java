package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.Interval;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellSummaryTest {

    private static Cell cell(List<Double> samples, List<Integer> forks) {
        return CellSummary.of(Bootstrap.DEFAULT, "aset-native", "small-churn", Cell.REPLAY, Cell.NS_PER_OP, null,
                samples, forks, Map.of(), List.of(), List.of());
    }

    @Test
    void threeForksGiveAForkIntervalAroundTheMedianOfForkMedians() {
        // unbalanced forks: the median of all nine samples is 30, the median of the fork medians 12
        Cell c = cell(List.of(10.0, 10.0, 10.0, 30.0, 30.0, 30.0, 30.0, 30.0, 12.0),
                List.of(0, 0, 0, 1, 1, 1, 1, 1, 2));
        assertEquals(12.0, c.median(), 1e-12, "median of the fork medians 10, 30, 12 (all samples' median: 30)");
        assertEquals(new Interval(Interval.FORKS, "fork", 3, 0.95), c.interval());
        assertTrue(c.intervalOverForks());
        assertTrue(c.ciLow() > 0 && c.ciLow() <= 10 && c.ciHigh() >= 30, c.toString());
    }

    @Test
    void oneForkGivesAWithinJvmIntervalSaidSo() {
        Cell c = cell(List.of(10.0, 10.5, 9.5, 10.2, 9.8), List.of(0, 0, 0, 0, 0));
        assertEquals(new Interval(Interval.WITHIN_JVM, "round", 5, 0.95), c.interval());
        assertFalse(c.intervalOverForks());
        assertEquals(10.0, c.median(), 1e-12);
        assertTrue(c.ciLow() >= 9.5 && c.ciHigh() <= 10.5, c.toString());
    }

    @Test
    void resultsJsonRecordsTheMethodTheUnitAndTheDrift(@TempDir Path dir) throws Exception {
        Cell c = cell(List.of(80.0, 80.0, 60.0, 45.0, 45.0, 81.0, 79.0, 60.0, 44.0, 46.0, 80.0, 80.0, 60.0, 45.0,
                45.0), List.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2));
        RunResults run = RunResults.start(Synthetic.info("r"), Map.of(), new Settings(1, 1, 1, 5, 3, 1, "x"))
                .withCell(c);
        ResultsStore.write(dir, run);
        String json = Files.readString(dir.resolve(ResultsStore.RESULTS_FILE));
        assertTrue(json.contains("\"method\" : \"bootstrap-forks\""), json);
        assertTrue(json.contains("\"unit\" : \"fork\""), json);
        assertTrue(json.contains("\"flagged\" : true"), json);
        Cell back = ResultsStore.read(dir).cells().get(0);
        assertEquals(c.interval(), back.interval());
        assertEquals(c.drift(), back.drift());
    }
}
