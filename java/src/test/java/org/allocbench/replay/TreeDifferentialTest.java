package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.allocbench.alloc.JavaAllocSetAllocator;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same random version 2 traces through the native AllocSet and the Java
 * one, in trace order: after every op every live context's counters are equal
 * on both sides (and so is the whole tree's MemoryContextStats text, the root's
 * name aside, every 25 ops and at the end), as the version 1 differential test
 * does for one context.
 */
class TreeDifferentialTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nativeAndJavaTreesHaveTheSameCountersAfterEveryOp(long seed) {
        // few slots and contexts, sizes up to 20 KB: freelists, dedicated blocks, deep trees, many resets
        OpSequence ops = V2Traces.random(seed, 1500, 48, 24, 1, 20_000);
        assertTrue(ops.count(OpSequence.CREATE) >= 10 && ops.count(OpSequence.DELETE) >= 3
                && ops.count(OpSequence.RESET) >= 3, "the trace exercises the tree");
        try (TreeReplayLoop nat = new TreeReplayLoop(ops); TreeReplayLoop java = new TreeReplayLoop(ops);
                NativeAllocSetAllocator nroot = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT);
                JavaAllocSetAllocator jroot = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            nat.begin(nroot);
            java.begin(jroot);
            Liveness live = new Liveness(ops);
            for (int i = 0; i < ops.length(); i++) {
                nat.step(i);
                java.step(i);
                live.after(i);
                for (int id : live.ids()) {
                    int op = i;
                    assertEquals(nat.context(id).stats(), java.context(id).stats(),
                            () -> "seed " + seed + ", after op " + op + ", context " + id);
                }
                if (i % 25 == 0 || i == ops.length() - 1) {
                    assertEquals(nroot.dump().replaceFirst("^aset-native:", "root:"),
                            jroot.dump().replaceFirst("^aset-java:", "root:"), "seed " + seed + ", after op " + i);
                    assertEquals(nroot.rows().size(), jroot.rows().size());
                }
            }
            assertTrue(nroot.dump().lines().count() >= 2);
            nat.end(nroot);
            java.end(jroot);
        }
    }

    /** Which context ids are live, by following c, R and d. */
    private static final class Liveness {
        private final OpSequence ops;
        private final boolean[] alive;

        Liveness(OpSequence ops) {
            this.ops = ops;
            this.alive = new boolean[ops.placement().contextCount()];
            alive[0] = true;
        }

        void after(int i) {
            int c = ops.placement().context(i);
            switch (ops.kind(i)) {
                case OpSequence.CREATE -> alive[c] = true;
                case OpSequence.RESET -> killDescendants(c);
                case OpSequence.DELETE -> {
                    killDescendants(c);
                    alive[c] = false;
                }
                default -> {
                }
            }
        }

        private void killDescendants(int top) {
            for (int id = 1; id < alive.length; id++) {
                if (alive[id] && descends(id, top)) {
                    alive[id] = false;
                }
            }
        }

        private boolean descends(int id, int top) {
            for (int up = ops.placement().contexts()[id].parent(); up >= 0;
                    up = ops.placement().contexts()[up].parent()) {
                if (up == top) {
                    return true;
                }
            }
            return false;
        }

        List<Integer> ids() {
            List<Integer> ids = new ArrayList<>();
            for (int id = 0; id < alive.length; id++) {
                if (alive[id]) {
                    ids.add(id);
                }
            }
            return ids;
        }
    }
}
