package org.allocbench.measure;

/**
 * How per-op latencies are obtained on the Java path.
 *
 * <p>{@link #PER_OP} is the default: a latency distribution is read for its
 * tail (p99, p99.9, max: a block allocated from the OS, a context reset, a GC
 * pause or a page fault on one op), and only timing each op alone keeps a
 * slow op's value; grouping averages it with its neighbours, so a 2 us op in a
 * group of 16 shows as ~150 ns and the tail vanishes. The price is that every
 * value carries one timer read (measured by {@link TimerCalibration} and
 * printed next to the figures), which is of the same order as a fast op, so
 * the low percentiles of per-op mode are "op + timer", not the op.
 *
 * <p>{@link #GROUPED} times groups of G consecutive ops and records G values
 * of group/G: the timer's cost per op shrinks to cost/G and the body of the
 * distribution (p50) is the ops' own, but it is the distribution of G-op
 * means, not of single ops.
 */
public enum LatencyMode {
    /** Each op timed alone: two System.nanoTime reads around it; value = op + ~one timer cost. */
    PER_OP("per-op"),
    /** G consecutive ops timed together, recorded as G values of (group time)/G. */
    GROUPED("grouped");

    /** The group size of {@link #GROUPED} unless told otherwise. */
    public static final int DEFAULT_GROUP = 16;

    private final String label;

    LatencyMode(String label) {
        this.label = label;
    }

    /** The name on the command line: {@code per-op} or {@code grouped}. */
    public String label() {
        return label;
    }

    /** The mode of a command-line name. */
    public static LatencyMode byLabel(String label) {
        for (LatencyMode m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode \"" + label + "\"; known: per-op, grouped");
    }

    @Override
    public String toString() {
        return label;
    }
}
