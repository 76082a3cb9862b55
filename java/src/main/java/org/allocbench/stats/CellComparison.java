package org.allocbench.stats;

import org.allocbench.results.CellKey;

/**
 * One cell present in both runs: the medians of all samples on each side, and
 * the ratio B/A with its interval.
 */
public record CellComparison(String allocator, String trace, String metric, String unit, double medianA,
        double medianB, RatioEstimate estimate) {

    public Verdict verdict() {
        return estimate.verdict();
    }

    /** "aset-native x small-churn" ("(floor)" etc. appended for metrics other than replay). */
    public String key() {
        return new CellKey(allocator, trace, metric).label();
    }
}
