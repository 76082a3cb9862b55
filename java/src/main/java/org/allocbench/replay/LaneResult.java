package org.allocbench.replay;

import java.util.Arrays;
import org.allocbench.nativecore.MemoryContextCounters;

/**
 * What one whole-trace lane's replay of a trace gave: the time of each
 * iteration, the replaying thread's minor page faults in each (empty where
 * the lane cannot say), and the context's counters just before the last
 * iteration deleted it (null for lanes without statistics).
 */
public record LaneResult(long[] nsPerIteration, long[] minorFaults, int ops, MemoryContextCounters counters) {

    public LaneResult {
        if (nsPerIteration.length == 0 || ops < 1) {
            throw new IllegalArgumentException("need at least one iteration and one op");
        }
        minorFaults = minorFaults == null ? new long[0] : minorFaults;
    }

    /** The median over iterations of (iteration time / ops). */
    public double medianNsPerOp() {
        return medianNsPerOp(nsPerIteration, ops);
    }

    /** The median of the per-iteration fault counts, or NaN if the lane did not count them. */
    public double medianMinorFaults() {
        return minorFaults.length == 0 ? Double.NaN : median(minorFaults);
    }

    /**
     * The median of per-iteration nanoseconds divided by the op count: the
     * middle value, or the mean of the two middle ones.
     */
    public static double medianNsPerOp(long[] nsPerIteration, int ops) {
        if (nsPerIteration.length == 0 || ops < 1) {
            throw new IllegalArgumentException("need at least one iteration and one op");
        }
        return median(nsPerIteration) / ops;
    }

    /** The iterations from {@code first} on (dropping warm-up iterations). */
    public LaneResult from(int first) {
        return new LaneResult(Arrays.copyOfRange(nsPerIteration, first, nsPerIteration.length),
                minorFaults.length == 0 ? minorFaults : Arrays.copyOfRange(minorFaults, first, minorFaults.length),
                ops, counters);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2.0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.1f ns/op, %.0f faults/iteration over %d iterations, %s",
                medianNsPerOp(), medianMinorFaults(), nsPerIteration.length, counters);
    }
}
