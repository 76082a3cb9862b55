package org.allocbench.stats;

import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;

/**
 * A measured cell as results.json records it: its samples with their forks,
 * the median of the fork medians and that median's interval with how it was
 * made ({@link Bootstrap#cell}), and the drift check ({@link DriftCheck}).
 * Every runner (the interleaved campaign, JMH, the gate's combined runs)
 * records its cells through here, so a cell means the same wherever it came
 * from.
 */
public final class CellSummary {

    private CellSummary() {
    }

    /**
     * A measured cell with its summary: the median of fork medians, its
     * interval and how it was made ({@link Bootstrap#cell}), and the drift
     * check ({@link DriftCheck}). Every runner records its cells through this.
     */
    public static Cell of(Bootstrap bootstrap, String allocator, String trace, String metric, String unit,
            String reason, List<Double> samples, List<Integer> sampleForks, Map<String, Long> stats,
            List<String> files, List<Long> minorFaults) {
        String key = new CellKey(allocator, trace, metric).label();
        Bootstrap.Summary s = bootstrap.cell(key, samples, sampleForks);
        return new Cell(allocator, trace, metric, unit, Cell.OK, reason, samples, sampleForks, finite(s.median()),
                finite(s.low()), finite(s.high()), stats, files, minorFaults, s.interval(),
                DriftCheck.of(bootstrap, key, samples, sampleForks));
    }

    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
