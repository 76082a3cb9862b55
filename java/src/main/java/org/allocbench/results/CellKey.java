package org.allocbench.results;

/**
 * The identity of a cell, the same in every run: allocator, trace and metric.
 * Two runs' cells are the same cell exactly when their keys are equal, and
 * {@link #label()} is how the suite names a cell in text.
 */
public record CellKey(String allocator, String trace, String metric) {

    /** "aset-native x small-churn"; a metric other than replay is appended: "null x logrand (floor)". */
    public String label() {
        return allocator + " x " + trace + (Cell.REPLAY.equals(metric) ? "" : " (" + metric + ")");
    }
}
