package org.allocbench.results;

/**
 * How a cell's {@code ciLow..ciHigh} was made, so a reader of results.json
 * knows what it may conclude from it. {@code method}: {@value #FORKS} (the
 * forks, independent processes, resampled: the interval the suite's verdicts
 * rest on) or {@value #WITHIN_JVM} (fewer than {@code 3} forks: the rounds
 * inside each process resampled; rounds of one process share its JIT
 * decisions and heap, so this interval is too narrow, and {@code compare}
 * and {@code gate} give no verdict from it). {@code unit}: what was resampled
 * ("fork" or "round"), {@code units}: how many there were, {@code confidence}:
 * the nominal level (0.95).
 */
public record Interval(String method, String unit, int units, double confidence) {

    public static final String FORKS = "bootstrap-forks";
    public static final String WITHIN_JVM = "bootstrap-rounds-within-jvm";

    /** Whether the interval resampled independent processes (and so may carry a verdict). */
    public boolean overForks() {
        return FORKS.equals(method);
    }
}
