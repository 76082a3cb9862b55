package org.allocbench.results;

/**
 * The identity of a cell, the same in every run: allocator, trace, metric,
 * how many replay threads and processes ran it at once, and in a run merged
 * from several hosts the host (null otherwise). Two runs' cells
 * are the same cell exactly when their keys are equal, and {@link #label()}
 * is how the suite names a cell in text.
 */
public record CellKey(String allocator, String trace, String metric, int threads, int processes, String host) {

    public CellKey {
        threads = Math.max(1, threads);
        processes = Math.max(1, processes);
    }

    /** A cell of a run of one host. */
    public CellKey(String allocator, String trace, String metric, int threads, int processes) {
        this(allocator, trace, metric, threads, processes, null);
    }

    /** A cell of one thread in one process. */
    public CellKey(String allocator, String trace, String metric) {
        this(allocator, trace, metric, 1, 1);
    }

    /**
     * "aset-native x small-churn"; a metric other than replay is appended: "null x logrand (floor)"; and more
     * than one thread or process: "glibc-c x logrand (wholetrace, 4 threads)"; a host: "glibc x logrand on
     * alpha".
     */
    public String label() {
        String scale = (threads > 1 ? threads + " threads" : "")
                + (threads > 1 && processes > 1 ? ", " : "") + (processes > 1 ? processes + " processes" : "");
        String suffix = Cell.REPLAY.equals(metric) ? scale : metric + (scale.isEmpty() ? "" : ", " + scale);
        return allocator + " x " + trace + (suffix.isEmpty() ? "" : " (" + suffix + ")")
                + (host == null ? "" : " on " + host);
    }
}
