package org.allocbench.measure;

import org.HdrHistogram.Histogram;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.replay.NotApplicable;
import org.allocbench.trace.OpSequence;

/**
 * Per-op latencies of the native whole-trace replay ({@link NativeReplay}'s
 * latency mode): the C loop reads {@code clock_gettime(CLOCK_MONOTONIC)}
 * around each op of the last iteration (no FFM call per op, no rdtsc), and
 * the per-op nanoseconds come back as a long[] that is recorded here into a
 * histogram. The same call measures the C clock's own cost (median of
 * back-to-back reads), reported next to the figures: each value includes
 * about that much.
 */
public final class NativeLatency {

    private NativeLatency() {
    }

    /** What one native cell measured: the per-op histogram and the C clock's pair cost. */
    public record Result(Histogram histogram, long timerOverheadNs) {
    }

    /**
     * Replays {@code ops} through the native AllocSet: {@code warmup}
     * unrecorded iterations first (one call), then {@code iterations} calls of
     * one iteration each, whose per-op times all go into one histogram.
     */
    public static Result allocSet(OpSequence ops, AllocSetSizes sizes, int warmup, int iterations) {
        return run(ops, NativeReplay.Lane.ALLOC_SET, sizes, warmup, iterations);
    }

    /** The same through malloc, calloc, realloc and free in C. */
    public static Result malloc(OpSequence ops, int warmup, int iterations) {
        return run(ops, NativeReplay.Lane.MALLOC, AllocSetSizes.DEFAULT, warmup, iterations);
    }

    private static Result run(OpSequence ops, NativeReplay.Lane lane, AllocSetSizes sizes, int warmup,
            int iterations) {
        if (iterations < 1 || warmup < 0) {
            throw new IllegalArgumentException("iterations must be at least 1 and warmup at least 0");
        }
        if (ops.version() >= 2) {
            // the C replay of version 2 (ab_trace_replay) times whole iterations only; it refuses latency_ns
            throw new NotApplicable("per-op latency in C is recorded for version 1 traces only; trace " + ops.name()
                    + " is version 2 (its Java lanes record it)");
        }
        Histogram histogram = LatencyRecorder.newHistogram();
        long overhead = Long.MAX_VALUE;
        try (NativeReplay.PreparedTrace trace = NativeReplay.prepare(ops.encoded(), ops.slots())) {
            if (warmup > 0) {
                trace.time(lane, sizes, warmup);
            }
            for (int it = 0; it < iterations; it++) {
                NativeReplay.Result result = trace.run(lane, sizes, 1, true);
                overhead = Math.min(overhead, result.timerOverheadNs()); // smallest of the calls' medians
                for (long ns : result.latencies()) {
                    histogram.recordValue(Math.min(Math.max(ns, 0), LatencyRecorder.HIGHEST_TRACKABLE_NS));
                }
            }
        }
        return new Result(histogram, overhead);
    }
}
