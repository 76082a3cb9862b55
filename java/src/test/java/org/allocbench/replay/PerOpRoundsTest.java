package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/** A lane's rounds in this JVM: one sample and one fault count per measured round, threads made once. */
class PerOpRoundsTest {

    private static final OpSequence OPS = BuiltinPatterns.byName("small-churn", 5_000, 4);

    @Test
    void oneSampleAndOneFaultCountPerMeasuredRound() {
        PerOpRounds.Outcome o = PerOpRounds.run(PerOpLanes.bodies("aset-native", OPS), OPS.length(), 2, 3, 1);
        assertEquals(3, o.nsPerOp().size());
        assertEquals(3, o.minorFaults().size());
        assertTrue(o.nsPerOp().stream().allMatch(ns -> ns > 0));
        assertTrue(o.minorFaults().stream().allMatch(f -> f >= 0));
        assertTrue(o.stats().usedBytes().isPresent(), "the AllocSet's counters, read after the rounds");
    }

    @Test
    void aSpentTimeBudgetEndsWarmUpAtOnceAndMeasuresTheMinimumOfRounds() {
        AtomicInteger rounds = new AtomicInteger();
        // 1 ns: spent after any round, whatever the host's speed
        PerOpRounds.Outcome o = PerOpRounds.run(thread -> rounds::incrementAndGet, 10, 5, 10, 1, 1);
        assertEquals(PerOpRounds.MIN_BUDGET_ROUNDS, o.nsPerOp().size());
        assertEquals(1 + PerOpRounds.MIN_BUDGET_ROUNDS, rounds.get(), "one warm-up round, then the minimum");
    }

    @Test
    void noBudgetRunsEveryRound() {
        AtomicInteger rounds = new AtomicInteger();
        PerOpRounds.Outcome o = PerOpRounds.run(thread -> rounds::incrementAndGet, 10, 5, 10, 1, 0);
        assertEquals(10, o.nsPerOp().size());
        assertEquals(15, rounds.get());
    }

    @Test
    void threadsAreMadeOncePerCellNotPerRound() {
        AtomicInteger made = new AtomicInteger();
        PerOpRounds.Outcome o = PerOpRounds.run(thread -> {
            made.incrementAndGet();
            return PerOpLanes.bodies("floor", OPS).apply(thread);
        }, OPS.length(), 2, 4, 2);
        assertEquals(2, made.get(), "one body per thread, for all six rounds");
        assertEquals(4, o.nsPerOp().size());
    }

    @Test
    void eachThreadMakesAContextBeforeTheFirstRound() {
        AtomicInteger contexts = new AtomicInteger();
        PerOpRounds.Outcome o = PerOpRounds.run(PerOpRounds.allocator(OPS, () -> {
            java.util.function.Supplier<org.allocbench.alloc.Allocator> made = PerOpLanes.contexts("aset-native", OPS);
            return () -> {
                contexts.incrementAndGet();
                return made.get();
            };
        }), OPS.length(), 0, 2, 1);
        assertEquals(2, o.nsPerOp().size());
        assertEquals(4, contexts.get(), "one before the rounds (untimed first use), one per round, one for the stats");
    }

    @Test
    void theBindingFloorHasNoContext() {
        PerOpRounds.Outcome o = PerOpRounds.run(PerOpLanes.bodies(PerOpLanes.BINDING_FLOOR, OPS), OPS.length(), 1, 2,
                1);
        assertEquals(2, o.nsPerOp().size());
        assertFalse(o.stats().totalBytes().isPresent());
    }

    @Test
    void aFailureInAThreadReachesTheCaller() {
        assertThrows(IllegalStateException.class, () -> PerOpRounds.run(thread -> () -> {
            throw new IllegalStateException("boom");
        }, 1, 0, 2, 2));
    }

    @Test
    void unknownLanesAreRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PerOpLanes.unavailableReason("no-such-allocator"));
        assertTrue(e.getMessage().contains("aset-native"), e.getMessage());
        assertEquals(null, PerOpLanes.unavailableReason("floor"));
    }

    /**
     * The scale campaign's rule: every worker thread and its body (the allocator's first use, the replay's
     * plan) exist before the first round starts, so no creation is ever inside the timed window. Proved by
     * order, not by a time limit: the latest creation precedes the earliest start of a round's work.
     */
    @Test
    void workersAndTheirBodiesAreMadeBeforeAnyRoundIsTimed() {
        java.util.List<Long> made = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<Long> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        PerOpRounds.Outcome o = PerOpRounds.run(id -> {
            made.add(System.nanoTime());
            return () -> started.add(System.nanoTime());
        }, 10, 2, 3, 4);
        assertEquals(4, made.size());
        assertEquals(4 * 5, started.size(), "2 warm-up and 3 measured rounds on each of 4 threads");
        long lastMade = made.stream().mapToLong(Long::longValue).max().orElseThrow();
        long firstStart = started.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(lastMade < firstStart, "a body was made after a round began");
        assertEquals(3, o.nsPerOp().size());
    }
}
