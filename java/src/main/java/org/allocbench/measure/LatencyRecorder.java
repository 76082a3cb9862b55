package org.allocbench.measure;


import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.allocbench.alloc.Allocator;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.replay.TraceReplay;
import org.allocbench.replay.TreeReplayLoop;

/**
 * The replay loop ({@link ReplayLoop}), op for op the same work (touch rule,
 * live set, frees skipped where the allocator cannot free, a free for each
 * live chunk on R where it has no bulk release),
 * with {@link System#nanoTime()} read around each op ({@link LatencyMode#PER_OP})
 * or each group of G ops ({@link LatencyMode#GROUPED}) and the times recorded
 * into an HdrHistogram.
 *
 * <p>Nothing is allocated per op: the histogram is preallocated (values up
 * to {@link #HIGHEST_TRACKABLE_NS}, {@link #SIGNIFICANT_DIGITS} significant
 * digits) and {@code recordValue} only increments a counter. In per-op mode
 * the clock is read afresh after recording, so the recording's cost is in no
 * op's interval; each interval holds the op plus about one timer cost
 * ({@link TimerCalibration#pairMedianNs()}).
 */
public final class LatencyRecorder {

    /** 10 s: anything longer is clamped (and would be a hang, not a latency). */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    /** Value precision: 0.1% of the value. */
    public static final int SIGNIFICANT_DIGITS = 3;


    private final LatencyMode mode;
    private final int group;

    /** A recorder in {@code mode}; {@code group} is used by {@link LatencyMode#GROUPED} only. */
    public LatencyRecorder(LatencyMode mode, int group) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (group < 1) {
            throw new IllegalArgumentException("group must be at least 1, not " + group);
        }
        this.group = group;
    }

    public LatencyMode mode() {
        return mode;
    }

    /** Ops per timed interval: 1 in per-op mode, G in grouped mode. */
    public int group() {
        return mode == LatencyMode.PER_OP ? 1 : group;
    }

    /** An empty histogram of the suite's shape: 1 ns .. 10 s, 3 significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Replays {@code loop}'s trace into {@code allocator}, recording one value per op
     * into {@code into} (in grouped mode, G values of group/G per group; a last
     * short group is recorded as its own length of values), then ends the
     * iteration's work ({@link ReplayLoop#end}, not recorded: it is no op of the trace).
     */
    public void replay(Allocator allocator, ReplayLoop loop, Histogram into) {
        loop.begin();
        if (mode == LatencyMode.PER_OP) {
            perOp(allocator, loop, into);
        } else {
            grouped(allocator, loop, into, group);
        }
        loop.end(allocator);
    }

    /**
     * The same for any replay ({@link TraceReplay#of}): a version 2 trace of one thread is recorded op by op
     * through {@link TreeReplayLoop#step}, as a version 1 trace through {@link ReplayLoop#step}.
     *
     * @throws IllegalArgumentException for a trace of several threads: its ops run at once on several threads
     *                                  and wait for each other, so one op's interval would hold other threads'
     *                                  work and its waits; its figure is the lane's ns/op, not a per-op latency
     */
    public void replay(Allocator allocator, TraceReplay replay, Histogram into) {
        switch (replay) {
            case ReplayLoop loop -> replay(allocator, loop, into);
            case TreeReplayLoop tree -> replayTree(allocator, tree, into);
        }
    }

    private void replayTree(Allocator allocator, TreeReplayLoop tree, Histogram into) {
        if (tree.threads() > 1) {
            throw new NotApplicable("per-op latency is not recorded for trace " + tree.ops().name()
                    + " of " + tree.threads() + " threads: its ops overlap and wait for each other, so an op's"
                    + " time would include other threads' work");
        }
        tree.begin(allocator);
        int n = tree.ops().length();
        int g = group();
        for (int start = 0; start < n; start += g) {
            int end = Math.min(n, start + g);
            long t0 = System.nanoTime();
            for (int i = start; i < end; i++) {
                tree.step(i);
            }
            long t1 = System.nanoTime();
            int count = end - start;
            record(into, count == 1 ? t1 - t0 : Math.round((t1 - t0) / (double) count), count);
        }
        tree.end(allocator);
    }

    private static void perOp(Allocator allocator, ReplayLoop loop, Histogram into) {
        boolean canFree = allocator.capabilities().individualFree();
        boolean bulk = allocator.capabilities().bulkReset();
        for (int i = 0, n = loop.ops().length(); i < n; i++) {
            long t0 = System.nanoTime();
            loop.step(allocator, i, canFree, bulk);
            long t1 = System.nanoTime();
            record(into, t1 - t0, 1);
        }
    }

    private static void grouped(Allocator allocator, ReplayLoop loop, Histogram into, int group) {
        boolean canFree = allocator.capabilities().individualFree();
        boolean bulk = allocator.capabilities().bulkReset();
        int n = loop.ops().length();
        for (int start = 0; start < n; start += group) {
            int end = Math.min(n, start + group);
            long t0 = System.nanoTime();
            for (int i = start; i < end; i++) {
                loop.step(allocator, i, canFree, bulk);
            }
            long t1 = System.nanoTime();
            int count = end - start;
            record(into, Math.round((t1 - t0) / (double) count), count);
        }
    }

    private static void record(Histogram into, long ns, int count) {
        into.recordValueWithCount(Math.min(Math.max(ns, 0), HIGHEST_TRACKABLE_NS), count);
    }
}
