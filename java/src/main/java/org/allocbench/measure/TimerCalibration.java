package org.allocbench.measure;

import java.util.Arrays;

/**
 * What {@link System#nanoTime()} itself costs on this machine, measured, so a
 * per-op latency can be read against it: every per-op value is the difference
 * of two clock reads and so includes about one {@link #pairMedianNs} on top of
 * the op.
 *
 * @param pairMedianNs      median of {@code t1 - t0} for two back-to-back reads with nothing between them:
 *                          the timer's cost as it appears inside every measured interval
 * @param granularityNs     smallest non-zero difference seen between two back-to-back reads (the clock's
 *                          visible resolution; never below 1)
 * @param zeroFraction      share of back-to-back pairs that read the same value (the clock did not move)
 * @param samples           pairs measured
 */
public record TimerCalibration(long pairMedianNs, long granularityNs, double zeroFraction, int samples) {

    /** Pairs measured after the warm-up; a million pairs take some 20..40 ms. */
    public static final int DEFAULT_SAMPLES = 1_000_000;

    /** Measures with {@link #DEFAULT_SAMPLES} pairs after as many unrecorded ones (JIT warm-up). */
    public static TimerCalibration measure() {
        return measure(DEFAULT_SAMPLES);
    }

    /** Measures {@code samples} back-to-back pairs, after as many unrecorded ones. */
    public static TimerCalibration measure(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, not " + samples);
        }
        long[] deltas = new long[samples];
        pairs(deltas); // warm-up: the loop is compiled before the figures are taken
        pairs(deltas);
        long smallest = Long.MAX_VALUE;
        int zeros = 0;
        for (long d : deltas) {
            if (d == 0) {
                zeros++;
            } else if (d > 0 && d < smallest) {
                smallest = d;
            }
        }
        Arrays.sort(deltas);
        return new TimerCalibration(deltas[samples / 2], smallest == Long.MAX_VALUE ? 1 : smallest,
                zeros / (double) samples, samples);
    }

    private static void pairs(long[] deltas) {
        for (int i = 0; i < deltas.length; i++) {
            long t0 = System.nanoTime();
            long t1 = System.nanoTime();
            deltas[i] = t1 - t0;
        }
    }

    /** One line for a report header. */
    public String describe() {
        return String.format("System.nanoTime: back-to-back pair median %d ns (the cost inside every timed interval),"
                + " smallest non-zero step %d ns, %.1f%% of pairs equal; %,d pairs", pairMedianNs, granularityNs,
                zeroFraction * 100, samples);
    }
}
