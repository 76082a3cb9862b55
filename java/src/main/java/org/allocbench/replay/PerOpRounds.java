package org.allocbench.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.ThreadUsage;
import org.allocbench.trace.OpSequence;

/**
 * One per-op lane's rounds over one trace in this JVM: warm-up rounds, then
 * measured ones, each timed from outside; what a campaign's lane process runs
 * for each of its traces.
 *
 * <p><b>A round</b> is one {@link TraceReplay#iteration} per thread (create the
 * context, replay, end it), and its sample is the round's wall time divided by
 * (ops x threads). A version 2 trace of several threads replays on its own
 * threads within each of those ({@link TreeReplayLoop}: made with the body,
 * before the first round, and ended after the last). With {@code threads > 1} the worker threads are created
 * once for the cell, before the first round, and released together by a
 * barrier each round, so creating threads is never timed (a round's time runs from the first worker's start
 * to the last one's end, each read by the worker itself: the coordinating thread may be descheduled when
 * there are more threads than cores); and each thread
 * makes and closes one context before the first round (whatever a thread's
 * first use costs: Netty's per-thread pool, a mimalloc heap, the floor's
 * region), so that is not timed either, even with no warm-up rounds.
 *
 * <p><b>Page faults</b>: each thread reads its own minor-fault counter
 * ({@link ThreadUsage}) before a round's start and after its end (with
 * threads, before the start barrier and after the end barrier), outside the
 * timed window; a round's figure is the sum over threads.
 *
 * <p><b>A time budget</b> (optional, one thread only) bounds a cell's cost in
 * a campaign whose other cells take a second: once half of it is spent,
 * warm-up ends; once all of it is spent, measuring ends, after at least
 * {@value #MIN_BUDGET_ROUNDS} measured rounds. The caller sees fewer samples
 * than it asked for and says so beside the cell.
 *
 * <p><b>Statistics</b> are read after the measured rounds, from one more
 * replay that is not timed: the context's counters just before it ends, as
 * the trace format says. glibc's malloc thresholds are pinned first
 * ({@link GlibcMalloc#pinThisProcess()}).
 */
public final class PerOpRounds {

    /** What the lane measured: ns/op and minor faults per measured round, and the context's statistics. */
    public record Outcome(List<Double> nsPerOp, List<Long> minorFaults, AllocatorStats stats, String note,
            String version) {
    }

    /** What one thread replays in a round; made on that thread, before the first round. */
    public interface Body {
        /** One round's work (the timed part). */
        void round();

        /** After the rounds: one untimed replay's statistics, note and version; null for a lane with no context. */
        default Outcome describe() {
            return null;
        }

        /** After describe: ends what the body holds (a version 2 replay's threads). */
        default void close() {
        }
    }

    /** Measured rounds a time budget never cuts below: fewer would leave no median worth the name. */
    public static final int MIN_BUDGET_ROUNDS = 3;

    private PerOpRounds() {
    }

    /**
     * A per-op allocator lane: one replay per thread ({@link TraceReplay#of}: the version 1 loop, or the tree
     * loop with the trace's own threads for a version 2 trace), each context from {@code contexts}.
     */
    public static IntFunction<Body> allocator(OpSequence ops, Supplier<Supplier<? extends Allocator>> contextsPerThread) {
        return thread -> {
            Supplier<? extends Allocator> contexts = contextsPerThread.get();
            org.allocbench.alloc.Capabilities capabilities;
            try (Allocator first = contexts.get()) { // the thread's first use, untimed
                capabilities = first.capabilities();
            }
            TraceReplay loop = TraceReplay.of(ops); // a version 2 trace's threads are made here, untimed
            try {
                loop.prepare(capabilities);
            } catch (RuntimeException e) {
                loop.close();
                throw e;
            }
            return new Body() {
                @Override
                public void round() {
                    loop.iteration(contexts);
                }

                @Override
                public Outcome describe() {
                    try (Allocator context = contexts.get()) {
                        loop.replay(context);
                        AllocatorStats stats = context.stats();
                        loop.end(context);
                        return new Outcome(List.of(), List.of(), stats, context.capabilities().note(),
                                context.version());
                    }
                }

                @Override
                public void close() {
                    loop.close();
                }
            };
        };
    }

    /** The binding floor: {@code ops.length()} no-op downcalls per round. */
    public static IntFunction<Body> bindingFloor(OpSequence ops) {
        return thread -> () -> BindingFloor.noopDowncalls(ops);
    }

    /** Runs {@code warmup} + {@code rounds} rounds on {@code threads} threads (1: this one). */
    public static Outcome run(IntFunction<Body> bodies, int ops, int warmup, int rounds, int threads) {
        return run(bodies, ops, warmup, rounds, threads, 0);
    }

    /** As {@link #run(IntFunction, int, int, int, int)}, within {@code budgetNanos} (0: none; one thread only). */
    public static Outcome run(IntFunction<Body> bodies, int ops, int warmup, int rounds, int threads, long budgetNanos) {
        GlibcMalloc.pinThisProcess();
        return threads == 1 ? inline(bodies.apply(0), ops, warmup, rounds, budgetNanos)
                : threaded(bodies, ops, warmup, rounds, threads);
    }

    private static Outcome inline(Body body, int ops, int warmup, int rounds, long budgetNanos) {
        try {
            return inlineRounds(body, ops, warmup, rounds, budgetNanos);
        } finally {
            body.close();
        }
    }

    private static Outcome inlineRounds(Body body, int ops, int warmup, int rounds, long budgetNanos) {
        List<Double> ns = new ArrayList<>();
        List<Long> faults = new ArrayList<>();
        long cellStart = System.nanoTime();
        for (int r = -warmup; r < rounds; r++) {
            long f0 = ThreadUsage.minorFaults();
            long start = System.nanoTime();
            body.round();
            long end = System.nanoTime();
            long f1 = ThreadUsage.minorFaults();
            if (r >= 0) {
                ns.add((end - start) / (double) ops);
                faults.add(f1 - f0);
            }
            long spent = end - cellStart;
            if (budgetNanos > 0 && r < -1 && spent > budgetNanos / 2) {
                r = -1; // enough warm-up for this budget: measure next
            } else if (budgetNanos > 0 && r >= 0 && spent > budgetNanos && ns.size() >= MIN_BUDGET_ROUNDS) {
                break;
            }
        }
        return withDescription(ns, faults, body.describe());
    }

    private static Outcome threaded(IntFunction<Body> bodies, int ops, int warmup, int rounds, int threads) {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLongArray roundFaults = new AtomicLongArray(warmup + rounds);
        // each worker's own start and end of each round: a round's time runs from the first start to the last end
        AtomicLongArray firstStart = new AtomicLongArray(warmup + rounds);
        AtomicLongArray lastEnd = new AtomicLongArray(warmup + rounds);
        for (int r = 0; r < warmup + rounds; r++) {
            firstStart.set(r, Long.MAX_VALUE);
            lastEnd.set(r, Long.MIN_VALUE);
        }
        AtomicReference<Outcome> description = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = Thread.ofPlatform().name("allocbench-replay-" + t).start(() -> {
                Body body = null;
                try {
                    body = bodies.apply(id);
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
                try {
                    workerRounds(body, id, warmup + rounds, start, end, failure, roundFaults, description,
                            firstStart, lastEnd);
                } finally {
                    if (body != null) {
                        body.close();
                    }
                }
            });
            workers.add(w);
        }
        List<Double> ns = new ArrayList<>();
        List<Long> faults = new ArrayList<>();
        try {
            for (int r = 0; r < warmup + rounds; r++) {
                start.await();
                end.await();
                // not this thread's clock around the barriers: with more threads than cores it may run late
                long elapsed = lastEnd.get(r) - firstStart.get(r);
                if (r >= warmup) {
                    ns.add(elapsed / ((double) ops * threads));
                }
            }
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.forEach(Thread::interrupt);
            throw new IllegalStateException("interrupted", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("a replay thread failed", e);
        }
        ReplayThreadFailure.rethrow(failure.get());
        for (int r = warmup; r < warmup + rounds; r++) {
            faults.add(roundFaults.get(r));
        }
        return withDescription(ns, faults, description.get());
    }

    /** One worker's rounds (and thread 0's description), between the start and end barriers of each. */
    private static void workerRounds(Body body, int id, int total, CyclicBarrier start, CyclicBarrier end,
            AtomicReference<Throwable> failure, AtomicLongArray roundFaults, AtomicReference<Outcome> description,
            AtomicLongArray firstStart, AtomicLongArray lastEnd) {
        for (int r = 0; r < total; r++) {
            long f0 = ThreadUsage.minorFaults();
            if (!await(start, failure)) {
                return;
            }
            long began = System.nanoTime();
            if (body != null && failure.get() == null) {
                try {
                    body.round();
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            }
            long ended = System.nanoTime();
            firstStart.accumulateAndGet(r, began, Math::min);
            lastEnd.accumulateAndGet(r, ended, Math::max);
            if (!await(end, failure)) {
                return;
            }
            roundFaults.addAndGet(r, ThreadUsage.minorFaults() - f0);
        }
        if (id == 0 && body != null && failure.get() == null) {
            try {
                description.set(body.describe());
            } catch (Throwable x) {
                failure.compareAndSet(null, x);
            }
        }
    }

    private static boolean await(CyclicBarrier barrier, AtomicReference<Throwable> failure) {
        try {
            barrier.await();
            return true;
        } catch (InterruptedException | BrokenBarrierException e) {
            failure.compareAndSet(null, e);
            return false;
        }
    }

    private static Outcome withDescription(List<Double> ns, List<Long> faults, Outcome description) {
        return description == null ? new Outcome(ns, faults, AllocatorStats.UNKNOWN, "", "")
                : new Outcome(ns, faults, description.stats(), description.note(), description.version());
    }
}
