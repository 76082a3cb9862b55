package org.allocbench.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;

/** Throughput and efficiency from cells of several thread counts, worked out by hand. */
class ScalingTest {

    private static Cell cell(int threads, double... forkValues) {
        List<Double> samples = new java.util.ArrayList<>();
        List<Integer> forks = new java.util.ArrayList<>();
        for (int f = 0; f < forkValues.length; f++) {
            for (int i = 0; i < 3; i++) {
                samples.add(forkValues[f]);
                forks.add(f);
            }
        }
        return CellSummary.of(Bootstrap.DEFAULT, "aset-c", "logrand", Cell.WHOLE_TRACE, Cell.NS_PER_OP, null, samples,
                forks, Map.of(), List.of(), List.of()).at(threads, 1);
    }

    @Test
    void efficiencyIsOneThreadsTimeOverThreadsTimesItsOwn() {
        // 1 thread: 10 ns per op; 2 threads: 6 ns per op done, so 166.7 M ops/s against 100, efficiency 10 / 12
        RunResults run = RunResults.start(new RunInfo("r", "scale", RunInfo.COMPLETE, null, null, null, null, null,
                null, null), Map.of(), new Settings(1, 1, 0, 3, 3, 1, "interleaved-forks"))
                .withCell(cell(1, 10, 10, 10)).withCell(cell(2, 6, 6, 6)).withCell(cell(4, 5, 5, 5));
        List<Scaling.Point> points = Scaling.of(run, "aset-c", "logrand", Cell.WHOLE_TRACE, Bootstrap.DEFAULT);
        assertEquals(3, points.size());
        assertEquals(1e8, points.get(0).opsPerSecond(), 1e-3);
        assertEquals(1.0, points.get(0).efficiency().ratio(), 1e-12);
        assertEquals(1e9 / 6, points.get(1).opsPerSecond(), 1e-3);
        assertEquals(10.0 / 12, points.get(1).efficiency().ratio(), 1e-12);
        assertEquals(0.5, points.get(2).efficiency().ratio(), 1e-12);
        RatioEstimate e = points.get(1).efficiency();
        assertTrue(e.low() <= e.ratio() && e.ratio() <= e.high(), e.toString());
        assertTrue(e.overForks(), "three forks a side: an interval over forks");
    }
}
