package org.allocbench.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/**
 * Runs of one fork each (the gate's child JVMs), merged into one run whose
 * cells carry every fork's samples with {@code sampleForks} = the fork's index,
 * so {@code allocbench compare} and the report read a gate's sides like any
 * multi-fork run.
 */
public final class ForkRuns {

    private ForkRuns() {
    }

    /** The fork medians of one cell across fork runs: NaN where a fork lacks the cell or it did not run. */
    static double[] forkMedians(List<RunResults> forks, CellKey key) {
        double[] medians = new double[forks.size()];
        for (int i = 0; i < forks.size(); i++) {
            Cell c = forks.get(i).cell(key);
            medians[i] = c != null && RunComparison.usable(c) ? Bootstrap.median(c.samples()) : Double.NaN;
        }
        return medians;
    }

    /** Every cell key of the runs, in first-seen order. */
    static List<CellKey> keys(List<RunResults> runs) {
        Map<CellKey, Boolean> keys = new LinkedHashMap<>();
        for (RunResults run : runs) {
            for (Cell c : run.cells()) {
                keys.putIfAbsent(c.key(), Boolean.TRUE);
            }
        }
        return List.copyOf(keys.keySet());
    }

    /**
     * One run from fork runs: the first run's environment, settings with
     * {@code forks} = the count, and per cell all samples in fork order.
     */
    public static RunResults combine(List<RunResults> forks, RunInfo info, Bootstrap bootstrap) {
        if (forks.isEmpty()) {
            throw new IllegalArgumentException("no fork runs to combine");
        }
        RunResults first = forks.get(0);
        Settings s = first.settings();
        Settings settings = s == null ? null
                : new Settings(s.ops(), s.seed(), s.warmupRounds(), s.rounds(), forks.size(), s.threads(),
                        "interleaved-forks", s.traces());
        RunResults combined = RunResults.start(info, first.environment(), settings);
        for (CellKey key : keys(forks)) {
            List<Double> samples = new ArrayList<>();
            List<Integer> sampleForks = new ArrayList<>();
            Cell template = null;
            Cell failed = null;
            for (int i = 0; i < forks.size(); i++) {
                Cell c = forks.get(i).cell(key);
                if (c == null) {
                    continue;
                }
                if (RunComparison.usable(c)) {
                    template = template == null ? c : template;
                    for (double v : c.samples()) {
                        samples.add(v);
                        sampleForks.add(i);
                    }
                } else if (failed == null) {
                    failed = c;
                }
            }
            if (template == null) {
                combined = combined.withCell(failed);
                continue;
            }
            combined = combined.withCell(CellSummary.of(bootstrap, key.allocator(), key.trace(), key.metric(),
                    template.unit(), null, samples, sampleForks, template.stats(), List.of(), List.of()));
        }
        return combined;
    }
}
