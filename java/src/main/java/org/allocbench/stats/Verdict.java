package org.allocbench.stats;

/** What a ratio B/A and its interval say about B relative to A (lower ns/op is better). */
public enum Verdict {
    /** The whole interval lies below 1. */
    FASTER("faster"),
    /** The whole interval lies above 1. */
    SLOWER("slower"),
    /** The interval contains 1. */
    NO_DIFFERENCE("no difference"),
    /** The interval is over rounds of one JVM (fewer than 3 forks): too narrow to decide anything. */
    WITHIN_JVM("no verdict: within-JVM interval (fewer than 3 forks)"),
    /** Too little data for an interval (a side without samples, or a single pair). */
    NO_DATA("no data");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
