package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.Capabilities;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A version 2 trace of several threads, each on a thread of its own: what
 * the format orders is ordered, every time (many iterations of traces where
 * chunks move between threads, on an allocator that checks from inside), the
 * counters of every context are those of the trace-order replay, threads are
 * made with the loop and never during an iteration, and a failure on any
 * thread ends the iteration with that failure instead of a hang.
 */
class TreeThreadsTest {

    private static final int ITERATIONS = 200;

    /** Thread 0 allocates, thread 1 frees and refills, thread 0 frees again: every slot crosses threads. */
    static OpSequence pingPong(int rounds) {
        V2Traces.Builder b = new V2Traces.Builder("ping-pong", 8, 2, 2);
        b.c(1, 0, 0, 1024, 8192, "shared");
        b.t(1).u(1).t(0).u(1);
        for (int r = 0; r < rounds; r++) {
            b.t(0);
            for (int s = 0; s < 8; s++) {
                b.a(s, 8 + s);
            }
            b.t(1);
            for (int s = 0; s < 8; s++) {
                b.f(s).a(s, 16 + s);
            }
            b.t(0);
            for (int s = 0; s < 8; s++) {
                b.r(s, 24).f(s);
            }
        }
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(value = Capabilities.Sharing.class, names = {"CONCURRENT", "PER_CONTEXT", "SERIAL"})
    void crossThreadFreesComeAfterTheirAllocationEveryTime(Capabilities.Sharing sharing) {
        for (boolean tree : new boolean[] {false, true}) {
            for (OpSequence ops : List.of(pingPong(20), V2Traces.random(7, 3000, 24, 12, 2, 64),
                    V2Traces.random(8, 3000, 24, 12, 3, 64))) {
                try (TreeReplayLoop loop = new TreeReplayLoop(ops)) {
                    assertTrue(loop.threads() > 1);
                    for (int i = 0; i < ITERATIONS; i++) {
                        OrderCheckingAllocator root = new OrderCheckingAllocator(tree, sharing);
                        loop.iteration(() -> root);
                        assertEquals(List.of(), root.violations, ops.name() + ", " + sharing + ", tree " + tree
                                + ", iteration " + i);
                        assertEquals(0, root.liveCount(), "everything freed or released at the end");
                    }
                }
            }
        }
    }

    @Test
    void nativeAllocSetTreesEndWithTheCountersOfTheTraceOrderReplay() {
        for (long seed = 1; seed <= 6; seed++) {
            OpSequence ops = V2Traces.random(seed, 2000, 32, 10, 1 + (int) (seed % 3) + 1, 3000);
            Map<Integer, AllocatorStats> inOrder;
            try (TreeReplayLoop loop = TreeReplayLoop.inTraceOrder(ops);
                    NativeAllocSetAllocator root = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
                loop.replay(root);
                inOrder = counters(loop, ops);
                loop.end(root);
            }
            try (TreeReplayLoop loop = new TreeReplayLoop(ops)) {
                for (int i = 0; i < 40; i++) {
                    try (NativeAllocSetAllocator root = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
                        loop.replay(root);
                        assertEquals(inOrder, counters(loop, ops), "seed " + seed + ", iteration " + i);
                        loop.end(root);
                    }
                }
            }
        }
    }

    /** Every live context's counters after the whole trace. */
    private static Map<Integer, AllocatorStats> counters(TreeReplayLoop loop, OpSequence ops) {
        boolean[] alive = new boolean[ops.placement().contextCount()];
        alive[0] = true;
        for (int i = 0; i < ops.length(); i++) {
            int c = ops.placement().context(i);
            switch (ops.kind(i)) {
                case OpSequence.CREATE -> alive[c] = true;
                case OpSequence.RESET, OpSequence.DELETE -> {
                    for (int id = 1; id < alive.length; id++) {
                        if (alive[id] && descends(ops, id, c)) {
                            alive[id] = false;
                        }
                    }
                    if (ops.kind(i) == OpSequence.DELETE) {
                        alive[c] = false;
                    }
                }
                default -> {
                }
            }
        }
        Map<Integer, AllocatorStats> m = new TreeMap<>();
        for (int id = 0; id < alive.length; id++) {
            if (alive[id]) {
                m.put(id, loop.context(id).stats());
            }
        }
        return m;
    }

    private static boolean descends(OpSequence ops, int id, int top) {
        for (int up = ops.placement().contexts()[id].parent(); up >= 0; up = ops.placement().contexts()[up].parent()) {
            if (up == top) {
                return true;
            }
        }
        return false;
    }

    @Test
    void glibcReplaysTracesOfSeveralThreadsAgainAndAgain() {
        AllocatorFactory glibc = Allocators.byName("glibc");
        OpSequence ops = V2Traces.random(11, 4000, 64, 16, 3, 5000);
        try (TreeReplayLoop loop = new TreeReplayLoop(ops)) {
            for (int i = 0; i < ITERATIONS; i++) {
                loop.iteration(glibc::create); // a misordered free is a double free: glibc aborts the JVM
            }
        }
    }

    @Test
    void threadsAreMadeWithTheLoopAndOnlyTheyAndTheCallerRunOps() {
        OpSequence ops = V2Traces.random(3, 2000, 24, 8, 3, 64);
        Set<Thread> before = helperThreads();
        TreeReplayLoop loop = new TreeReplayLoop(ops);
        Set<Thread> helpers = helperThreads();
        helpers.removeAll(before);
        assertEquals(2, helpers.size(), "threads 1 and 2 of the trace, made by the constructor");
        Set<Thread> ran = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            OrderCheckingAllocator root = new OrderCheckingAllocator(true, Capabilities.Sharing.PER_CONTEXT);
            loop.iteration(() -> root);
            ran.addAll(root.opThreads);
            Set<Thread> now = helperThreads();
            now.removeAll(before);
            assertEquals(helpers, now, "no thread made during an iteration");
        }
        Set<Thread> expected = new HashSet<>(helpers);
        expected.add(Thread.currentThread());
        assertEquals(expected, ran, "thread 0 on the caller's thread, the others on the helpers");
        loop.close();
        for (Thread h : helpers) {
            assertFalse(h.isAlive(), "close ends " + h.getName());
        }
        loop.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> loop.iteration(
                () -> new OrderCheckingAllocator(false, Capabilities.Sharing.CONCURRENT)));
    }

    private static Set<Thread> helperThreads() {
        Set<Thread> s = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("allocbench-trace-thread-")) {
                s.add(t);
            }
        }
        return s;
    }

    @Test
    void aFailureOnAnyThreadEndsTheIterationWithItAndTheNextIterationRuns() {
        OpSequence ops = pingPong(30);
        AtomicInteger allocs = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        try (TreeReplayLoop loop = new TreeReplayLoop(ops)) {
            List<Throwable> seen = new ArrayList<>();
            for (int failAt : new int[] {5, 100, 300}) {
                allocs.set(0);
                Allocator failing = new FailingAllocator(new OrderCheckingAllocator(false,
                        Capabilities.Sharing.CONCURRENT), allocs, failAt, boom);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.iteration(() -> failing));
                assertSame(boom, e);
                seen.add(e);
            }
            OrderCheckingAllocator fine = new OrderCheckingAllocator(false, Capabilities.Sharing.CONCURRENT);
            loop.iteration(() -> fine);
            assertEquals(List.of(), fine.violations);
            assertEquals(3, seen.size());
        }
    }
}
