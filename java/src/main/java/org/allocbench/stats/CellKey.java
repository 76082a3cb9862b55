package org.allocbench.stats;

import org.allocbench.results.Cell;

/** The identity of a cell across runs: allocator, trace and metric. */
record CellKey(String allocator, String trace, String metric) implements Comparable<CellKey> {

    static CellKey of(Cell cell) {
        return new CellKey(cell.allocator(), cell.trace(), cell.metric());
    }

    /** As {@link Cell#key()}: "aset-native x small-churn", "null x logrand (floor)". */
    static String of(String allocator, String trace, String metric) {
        return allocator + " x " + trace + (Cell.REPLAY.equals(metric) ? "" : " (" + metric + ")");
    }

    String label() {
        return of(allocator, trace, metric);
    }

    @Override
    public int compareTo(CellKey o) {
        int c = metric.compareTo(o.metric);
        if (c == 0) {
            c = trace.compareTo(o.trace);
        }
        return c != 0 ? c : allocator.compareTo(o.allocator);
    }
}
