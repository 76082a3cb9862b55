package org.allocbench.pg;

import java.util.Arrays;
import org.allocbench.nativecore.MemoryContextCounters;

/**
 * What one lane's replay of a trace gave: the median over iterations of
 * (iteration time / ops), and the context's counters just before the last
 * iteration deleted it.
 */
public record LaneResult(double medianNsPerOp, MemoryContextCounters counters) {

    /**
     * The median of per-iteration nanoseconds divided by the op count, as the
     * extension computes it: the middle value, or the mean of the two middle ones.
     */
    public static double medianNsPerOp(long[] nsPerIteration, int ops) {
        if (nsPerIteration.length == 0 || ops < 1) {
            throw new IllegalArgumentException("need at least one iteration and one op");
        }
        long[] sorted = nsPerIteration.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double) sorted[n / 2]) / 2.0;
        return median / ops;
    }
}
