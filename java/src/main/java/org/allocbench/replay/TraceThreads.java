package org.allocbench.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads of a {@link TreeReplayLoop}: the trace's threads 1..T-1 on helper threads (thread 0 is the
 * caller's), created with the loop (never in a timed region) and released together by a barrier each
 * iteration. Each runs its ops in its own order; before an op, it waits for what {@link TreePlan#waits}
 * names (other threads' progress counters, read with acquire; each thread publishes its own with release
 * after every op), spinning with {@link Thread#onSpinWait} and then yielding its core. A failure on any
 * thread stops the others' waits, and the iteration ends with it once every thread has stopped.
 */
final class TraceThreads {

    /** Progress counters this many longs apart: one per 128 bytes, so no two threads share a cache line. */
    private static final int PAD = 16;
    /** Spins before a waiting thread starts yielding its core (the host may have fewer cores than threads). */
    private static final int SPINS_BEFORE_YIELD = 256;
    private static final VarHandle PROGRESS = MethodHandles.arrayElementVarHandle(long[].class);

    private final TreeReplayLoop loop;
    private final int[][] threadOps;
    private final int threads;
    private final Thread[] helpers;
    private final CyclicBarrier start;
    private final long[] progress;
    private final AtomicInteger running = new AtomicInteger();
    /** This iteration's waits, set before the start barrier (which publishes it to the helpers). */
    private TreePlan.Waits current;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean abort;
    private volatile boolean shutdown;

    TraceThreads(TreeReplayLoop loop, int[][] threadOps) {
        this.loop = loop;
        this.threadOps = threadOps;
        this.threads = threadOps.length;
        this.progress = new long[threads * PAD];
        this.start = new CyclicBarrier(threads);
        this.helpers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++) {
            int id = t;
            helpers[t - 1] = Thread.ofPlatform().daemon().name("allocbench-trace-thread-" + t)
                    .start(() -> helperLoop(id));
        }
    }

    private void helperLoop(int t) {
        while (true) {
            try {
                start.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                return;
            }
            if (shutdown) {
                return;
            }
            try {
                runThread(t, current);
            } catch (Aborted e) {
                // another thread failed first; its failure is the one reported
            } catch (Throwable x) {
                fail(x);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** One iteration's ops on every thread: the helpers released, thread 0 here, then all finished. */
    void run(TreePlan.Waits waits) {
        if (shutdown) {
            throw new IllegalStateException("this replay loop is closed");
        }
        current = waits;
        for (int t = 0; t < threads; t++) {
            PROGRESS.setRelease(progress, t * PAD, 0L);
        }
        failure.set(null);
        abort = false;
        running.set(threads - 1);
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the replay threads", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("the replay threads are gone", e);
        }
        try {
            runThread(0, waits);
        } catch (Aborted e) {
            // reported below
        } catch (Throwable x) {
            fail(x);
        }
        for (int spins = 0; running.get() > 0; spins++) {
            pause(spins);
        }
        ReplayThreadFailure.rethrow(failure.get());
    }

    private void fail(Throwable x) {
        failure.compareAndSet(null, x);
        abort = true;
    }

    /** Thread {@code t}'s ops in order, each after what it waits for; its progress published after each. */
    private void runThread(int t, TreePlan.Waits waits) {
        int[] mine = threadOps[t];
        int[] at = waits.at()[t];
        int[] onThread = waits.thread()[t];
        int[] count = waits.count()[t];
        int w = 0;
        for (int k = 0; k < mine.length; k++) {
            while (w < at.length && at[w] == k) {
                await(onThread[w], count[w]);
                w++;
            }
            loop.step(mine[k]);
            PROGRESS.setRelease(progress, t * PAD, (long) k + 1);
        }
    }

    /** Until thread {@code u} has finished {@code n} ops (or another thread failed). */
    private void await(int u, long n) {
        for (int spins = 0; (long) PROGRESS.getAcquire(progress, u * PAD) < n; spins++) {
            if (abort) {
                throw new Aborted();
            }
            pause(spins);
        }
    }

    private static void pause(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        try {
            start.await(); // every helper is at the barrier, or on its way: released, it sees shutdown and ends
        } catch (BrokenBarrierException e) {
            // broken before (an interrupt): the helpers have ended already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Thread h : helpers) {
            try {
                h.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Thrown in a thread that stops waiting because another one failed. */
    private static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted: another replay thread failed", null, false, false);
        }
    }
}
