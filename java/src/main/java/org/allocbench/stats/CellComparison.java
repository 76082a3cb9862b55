package org.allocbench.stats;

import org.allocbench.results.CellKey;

/**
 * One cell present in both runs: the medians of all samples on each side, and
 * the ratio B/A with its interval; {@code host} is the cell's host in runs merged from several hosts (null
 * otherwise).
 */
public record CellComparison(String allocator, String trace, String metric, String unit, double medianA,
        double medianB, RatioEstimate estimate, String host) {

    /** A cell of runs of one host. */
    public CellComparison(String allocator, String trace, String metric, String unit, double medianA,
            double medianB, RatioEstimate estimate) {
        this(allocator, trace, metric, unit, medianA, medianB, estimate, null);
    }

    public Verdict verdict() {
        return estimate.verdict();
    }

    /** "aset-native x small-churn" ("(floor)" etc. appended for metrics other than replay, " on HOST" for a host). */
    public String key() {
        return new CellKey(allocator, trace, metric, 1, 1, host).label();
    }
}
