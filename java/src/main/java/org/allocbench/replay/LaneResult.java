package org.allocbench.replay;

import java.util.Arrays;
import org.allocbench.nativecore.MemoryContextCounters;

/**
 * What one whole-trace lane's replay of a trace gave: the time of each
 * iteration, the replaying thread's minor page faults in each (empty where
 * the lane cannot say), and the context's counters just before the last
 * iteration deleted it (null for lanes without statistics); {@code process}:
 * what the runner process said of itself (memory, and with several replay
 * threads their own times), or null where no process of its own ran.
 * {@code ops} is the ops of one iteration over all its threads, so
 * ns/op with several threads is the wall time per op done.
 */
public record LaneResult(long[] nsPerIteration, long[] minorFaults, int ops, MemoryContextCounters counters,
        RunnerProcess process) {

    /**
     * The runner process's own facts for one trace: VmRSS just before its iterations, after them and the peak
     * VmHWM during them (bytes, /proc/self/status: peak less before is what the replay added, the process's
     * own code and data left out); with {@code threads > 1} each thread's own time per iteration
     * ({@code threadNs}, iteration-major), when the last replay thread began to run and when the first timed
     * iteration began (CLOCK_MONOTONIC ns: {@code lastCreatedNs <= firstStartNs} shows creating the threads
     * was not timed).
     */
    public record RunnerProcess(long baseRssBytes, long rssBytes, long peakRssBytes, int threads, long[] threadNs,
            long lastCreatedNs, long firstStartNs) {

        /** Memory only (one replay thread). */
        public static RunnerProcess memory(long baseRssBytes, long rssBytes, long peakRssBytes) {
            return new RunnerProcess(baseRssBytes, rssBytes, peakRssBytes, 1, new long[0], 0, 0);
        }

        RunnerProcess from(int first, int iterations) {
            return threadNs.length == 0 ? this : new RunnerProcess(baseRssBytes, rssBytes, peakRssBytes, threads,
                    Arrays.copyOfRange(threadNs, first * threads, iterations * threads), lastCreatedNs, firstStartNs);
        }
    }

    public LaneResult {
        if (nsPerIteration.length == 0 || ops < 1) {
            throw new IllegalArgumentException("need at least one iteration and one op");
        }
        minorFaults = minorFaults == null ? new long[0] : minorFaults;
    }

    /** A result without the process's own facts (a lane in this JVM or in a backend). */
    public LaneResult(long[] nsPerIteration, long[] minorFaults, int ops, MemoryContextCounters counters) {
        this(nsPerIteration, minorFaults, ops, counters, null);
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
                ops, counters, process == null ? null : process.from(first, nsPerIteration.length));
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
