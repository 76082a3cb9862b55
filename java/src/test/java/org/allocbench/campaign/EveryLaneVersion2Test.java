package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.pg.PgTraceSupport;
import org.allocbench.replay.FloorAllocator;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.V2Traces;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A small version 2 trace of two threads (context tree, cross-thread frees)
 * and the same trace's ops on one thread, through every per-op lane (every
 * allocator, the floors) and every whole-trace C lane: each cell has a
 * result, or is not run with a reason that names why (an allocator whose
 * instances belong to one thread, mimalloc's heaps, PostgreSQL's extension),
 * never a failure. Lanes whose optional package is missing are skipped,
 * naming it.
 */
class EveryLaneVersion2Test {

    private static final OpSequence TWO_THREADS = V2Traces.random(31, 2000, 24, 8, 2, 3000);
    private static final OpSequence ONE_THREAD = V2Traces.random(32, 2000, 24, 8, 1, 3000);
    private static final List<OpSequence> TRACES = List.of(ONE_THREAD, TWO_THREADS);
    private static final List<String> NAMES = TRACES.stream().map(OpSequence::name).toList();

    static Stream<String> perOpLanes() {
        List<String> lanes = new ArrayList<>(Allocators.all().stream().map(AllocatorFactory::name).toList());
        lanes.add(FloorAllocator.NAME);
        lanes.add(PerOpLanes.BINDING_FLOOR);
        return lanes.stream();
    }

    @ParameterizedTest
    @MethodSource("perOpLanes")
    void everyPerOpLaneReplaysOrSaysWhyNot(String lane) {
        String missing = PerOpLanes.unavailableReason(lane);
        assumeTrue(missing == null, () -> lane + ": " + missing);
        LaneWorker.Response r = LaneWorker.run(new LaneWorker.Request(lane, NAMES, 0, 2, 1, null), TRACES);
        assertNull(r.unavailable(), lane);
        assertEquals(NAMES, r.traces().stream().map(LaneWorker.TraceOutcome::trace).toList());
        for (LaneWorker.TraceOutcome o : r.traces()) {
            assertNull(o.failure(), lane + " x " + o.trace());
            if (o.notRun() == null) {
                assertEquals(2, o.nsPerOp().size(), lane + " x " + o.trace());
            } else {
                assertTrue(o.nsPerOp().isEmpty());
                assertTrue(o.notRun().startsWith(lane + ": ") && o.notRun().contains("2 threads"),
                        lane + " x " + o.trace() + ": " + o.notRun());
            }
        }
        // one thread: every lane runs it
        assertNull(r.traces().get(0).notRun(), lane + " x " + ONE_THREAD.name());
    }

    @ParameterizedTest
    @EnumSource(WholeTraceLane.class)
    void everyWholeTraceLaneReplaysOrSaysWhyNot(WholeTraceLane lane) {
        String missing = lane.unavailableReason();
        assumeTrue(missing == null, () -> lane.laneName() + ": " + missing);
        for (OpSequence t : TRACES) {
            String why = lane.cannotReplay(t);
            if (why != null) {
                assertTrue(why.contains("2 threads"), lane.laneName() + " x " + t.name() + ": " + why);
                continue;
            }
            LaneResult result;
            try {
                result = WholeTraceRunner.run(lane, List.of(t), 2).get(0);
            } catch (NotApplicable e) {
                // Slab (sizes vary) and Bump (frees): the kind says so before it runs, naming the op
                assertTrue(lane == WholeTraceLane.SLAB || lane == WholeTraceLane.BUMP, lane + ": " + e.getMessage());
                assertTrue(e.getMessage().startsWith("not applicable to "), e.getMessage());
                continue;
            }
            assertEquals(2, result.nsPerIteration().length, lane.laneName() + " x " + t.name());
            assertTrue(result.medianNsPerOp() > 0, lane.laneName() + " x " + t.name());
        }
        // only mimalloc's heaps, which belong to one thread, refuse the trace of two threads
        assertNull(lane.cannotReplay(ONE_THREAD));
        assertEquals(lane == WholeTraceLane.MIMALLOC_HEAP, lane.cannotReplay(TWO_THREADS) != null);
    }

    @ParameterizedTest
    @EnumSource(value = WholeTraceLane.class, names = {"FLOOR", "MIMALLOC_HEAP"})
    void theHeapAndFloorLanesReplayTheTraceOfOneThreadAsTheOthersDo(WholeTraceLane lane) {
        String missing = lane.unavailableReason();
        assumeTrue(missing == null, () -> lane.laneName() + ": " + missing);
        LaneResult r = WholeTraceRunner.run(lane, List.of(ONE_THREAD), 3).get(0);
        assertEquals(3, r.minorFaults().length);
        assertNull(r.counters(), "no context statistics outside the AllocSet lanes");
    }

    @org.junit.jupiter.api.Test
    void postgresTakesAVersion2TraceOfOneThreadAndNamesWhyNotSeveral() {
        assertNull(PgTraceSupport.cannotReplay(ONE_THREAD), "a backend replays a tree of one thread");
        String why = PgTraceSupport.cannotReplay(TWO_THREADS);
        assertNotNull(why);
        assertTrue(why.contains("one thread") && why.contains(TWO_THREADS.name()), why);
    }
}
