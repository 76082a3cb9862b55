package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/**
 * The whole-trace lanes of PostgreSQL's other context kinds (allocbench fit): a trace the kind cannot replay is a
 * {@link NotApplicable} from the runner, with the reason; one it can replays with the same counters as the
 * in-JVM replay; and the campaigns' lanes ({@link WholeTraceLane#all()}) do not include them.
 */
class WholeTraceKindLanesTest {

    private static final OpSequence CHURN = BuiltinPatterns.byName("small-churn", 2_000, 9);
    private static final OpSequence RESET = BuiltinPatterns.byName("per-tuple-reset", 2_000, 9);

    @Test
    void bumpOnATraceThatFreesIsNotApplicable() {
        assertTrue(CHURN.count(OpSequence.FREE) > 0, "small-churn frees");
        NotApplicable e = assertThrows(NotApplicable.class,
                () -> WholeTraceRunner.run(WholeTraceLane.BUMP, List.of(CHURN), 1));
        assertTrue(e.getMessage().contains("pfree is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("not applicable to Bump"), e.getMessage());
    }

    @Test
    void slabOnATraceOfManySizesIsNotApplicable() {
        NotApplicable e = assertThrows(NotApplicable.class,
                () -> WholeTraceRunner.run(WholeTraceLane.SLAB, List.of(RESET), 1));
        assertTrue(e.getMessage().contains("not applicable to Slab"), e.getMessage());
    }

    /** The runner's counters before the last delete are those the in-JVM replay reads at the trace's end. */
    @Test
    void theKindsThatCanReplayATraceAgreeWithTheReplayInThisJvm() {
        record Run(WholeTraceLane lane, NativeReplay.Lane inJvm, OpSequence trace) {
        }
        for (Run r : List.of(new Run(WholeTraceLane.GENERATION, NativeReplay.Lane.GENERATION, CHURN),
                new Run(WholeTraceLane.GENERATION, NativeReplay.Lane.GENERATION, RESET),
                new Run(WholeTraceLane.BUMP, NativeReplay.Lane.BUMP, RESET))) {
            LaneResult c = WholeTraceRunner.run(r.lane(), List.of(r.trace()), 2).get(0);
            assertEquals(2, c.nsPerIteration().length);
            // the in-JVM counter points take a version 2 trace: the same ops, all in the root
            try (NativeReplay.PreparedTrace t = NativeReplay.prepareTree(r.trace().encoded(), r.trace().slots(),
                    new int[r.trace().length()], 1, new int[] {-1}, new long[3], new String[1])) {
                assertEquals(t.countersAt(r.inJvm(), AllocSetSizes.DEFAULT, new long[] {r.trace().length()},
                        new int[] {0})[0], c.counters(), r.lane() + " x " + r.trace().name());
            }
        }
    }

    @Test
    void theCampaignsLanesAreUnchanged() {
        List<WholeTraceLane> all = WholeTraceLane.all();
        for (WholeTraceLane kind : List.of(WholeTraceLane.GENERATION, WholeTraceLane.SLAB, WholeTraceLane.BUMP)) {
            assertFalse(all.contains(kind), kind + " is in all()");
        }
        assertEquals(List.of(WholeTraceLane.ASET, WholeTraceLane.ASET_PG15, WholeTraceLane.GLIBC,
                WholeTraceLane.JEMALLOC, WholeTraceLane.MIMALLOC, WholeTraceLane.MIMALLOC_HEAP,
                WholeTraceLane.TCMALLOC, WholeTraceLane.FLOOR), all);
        assertEquals(List.of(WholeTraceLane.GENERATION, WholeTraceLane.SLAB, WholeTraceLane.BUMP),
                WholeTraceLane.OTHER_CONTEXT_KINDS);
        assertEquals(WholeTraceLane.SLAB, WholeTraceLane.byName("slab-c"));
    }
}
