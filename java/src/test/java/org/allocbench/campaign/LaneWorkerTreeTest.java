package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.allocbench.replay.V2Traces;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/**
 * Version 2 traces in a per-op lane: they replay wherever version 1 traces do
 * (in this JVM and through the child JVM's protocol), a trace of several
 * threads on its own threads; a lane whose instances belong to one thread
 * does not run that trace (a not-run outcome with the reason, not a
 * failure), and runs the others.
 */
class LaneWorkerTreeTest {

    private static final List<OpSequence> TRACES = List.of(V2Traces.random(21, 3000, 32, 12, 1, 4000),
            V2Traces.random(22, 3000, 32, 12, 3, 4000));
    private static final List<String> NAMES = List.of("random-21", "random-22");

    @Test
    void everyLaneKindReplaysVersion2Traces() {
        for (String lane : List.of("aset-native", "aset-pg15", "glibc", "netty-pooled")) {
            LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request(lane, NAMES, 1, 2, 1, null), TRACES);
            assertNull(r.unavailable(), lane);
            for (LaneWorker.TraceOutcome o : r.traces()) {
                assertNull(o.failure(), lane + " x " + o.trace());
                assertEquals(2, o.nsPerOp().size());
            }
        }
    }

    @Test
    void theSegmentLaneRunsATraceOfSeveralThreadsOneThreadAtATime() {
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request(InterleavedRunner.SEGMENT_PREFIX + "4k", NAMES,
                0, 2, 1, null), TRACES);
        assertNull(r.unavailable());
        assertTrue(r.traces().stream().allMatch(o -> o.failure() == null && o.nsPerOp().size() == 2), r.toString());
    }

    @Test
    void theRootsCountersAreThoseOfTheTraceWhateverTheThreads() {
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request("aset-native", NAMES, 0, 3, 2, null), TRACES);
        // over malloc's blocks the Java AllocSet replays the trace of 3 threads too, on as many threads
        LaneWorker.Response java = LaneWorker.run(new LaneWorker.Request("aset-java", NAMES, 0, 3, 2, null), TRACES);
        for (int t = 0; t < TRACES.size(); t++) {
            assertEquals(r.traces().get(t).stats(), java.traces().get(t).stats(),
                    "the Java AllocSet agrees, trace " + t);
        }
        assertTrue(r.traces().get(1).stats().containsKey("usedBytes"), r.toString());
    }

    @Test
    void aLaneOwnedByOneThreadDoesNotRunATraceOfSeveralThreadsAndSaysWhy() {
        for (String lane : List.of("aset-java-zeroing", "floor")) {
            LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request(lane, NAMES, 0, 1, 1, null), TRACES);
            assertNull(r.traces().get(0).failure(), lane + ": one thread is fine");
            assertNull(r.traces().get(0).notRun(), lane + ": one thread is fine");
            LaneWorker.TraceOutcome threaded = r.traces().get(1);
            assertNull(threaded.failure(), lane + ": not a failure, " + threaded);
            assertEquals(lane + ": its instances belong to the thread that made them, and a trace of 3 threads"
                    + " replays on as many threads (trace random-22)", threaded.notRun());
        }
    }

    @Test
    void aChildJvmReplaysTheParentsVersion2Ops() {
        LaneWorker.Response child = PerOpLaneProcess.run(new LaneWorker.Request("aset-native", NAMES, 0, 1, 1, null),
                TRACES);
        LaneWorker.Response here = LaneWorker.run(new LaneWorker.Request("aset-native", NAMES, 0, 1, 1, null), TRACES);
        assertEquals(here.traces().get(0).stats(), child.traces().get(0).stats());
        assertEquals(here.traces().get(1).stats(), child.traces().get(1).stats());
    }
}
