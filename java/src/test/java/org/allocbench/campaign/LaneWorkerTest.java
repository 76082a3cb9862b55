package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/** A per-op lane's worker: in this JVM (what the child does) and as a child JVM (the protocol). */
class LaneWorkerTest {

    private static final List<OpSequence> TRACES = List.of(BuiltinPatterns.byName("small-churn", 3000, 5),
            BuiltinPatterns.byName("per-tuple-reset", 3000, 5));
    private static final List<String> NAMES = List.of("small-churn", "per-tuple-reset");

    @Test
    void replaysEveryTraceInTheOrderGiven() {
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request("aset-native", NAMES, 1, 3, 1, null), TRACES);
        assertNull(r.unavailable());
        assertEquals(List.of("small-churn", "per-tuple-reset"), r.traces().stream().map(LaneWorker.TraceOutcome::trace)
                .toList());
        for (LaneWorker.TraceOutcome o : r.traces()) {
            assertNull(o.failure());
            assertEquals(3, o.nsPerOp().size());
            assertEquals(3, o.minorFaults().size());
            assertTrue(o.stats().containsKey("usedBytes"), o.stats().toString());
        }
        assertTrue(r.version().contains("liballocbench"), r.version());
    }

    @Test
    void anUnknownLaneIsUnavailableWithTheKnownNames() {
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request("ptmalloc", NAMES, 0, 1, 1, null), TRACES);
        assertTrue(r.unavailable().startsWith("unknown allocator \"ptmalloc\"; known: aset-native"), r.unavailable());
        assertEquals(List.of(), r.traces());
    }

    @Test
    void theSegmentLaneRunsOnItsPages() {
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request(InterleavedRunner.SEGMENT_PREFIX + "4k", NAMES,
                0, 2, 2, null), TRACES);
        assertNull(r.unavailable());
        assertTrue(r.traces().stream().allMatch(o -> o.failure() == null && o.nsPerOp().size() == 2), r.toString());
    }

    @Test
    void aChildJvmAnswersOnItsStandardOutput() {
        LaneWorker.Response r = PerOpLaneProcess.run(new LaneWorker.Request("aset-native", NAMES, 0, 2, 1, null),
                TRACES);
        assertEquals("aset-native", r.lane());
        assertEquals(2, r.traces().get(0).nsPerOp().size());
        // the parent's ops, not regenerated: the same counters as a replay of them here
        assertEquals(LaneWorker.run(new LaneWorker.Request("aset-native", NAMES, 0, 1, 1, null), TRACES).traces()
                .get(1).stats(), r.traces().get(1).stats());
    }
}
