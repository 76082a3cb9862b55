package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole-trace C lanes in processes of their own: the AllocSet lanes agree
 * with the in-JVM replay counter for counter, every lane reports one time and
 * one fault count per iteration, and nothing is left in the temporary
 * directory. Peers whose library is missing are skipped, naming the package.
 */
class WholeTraceRunnerTest {

    private static final List<OpSequence> TRACES = List.of(BuiltinPatterns.byName("small-churn", 20_000, 9),
            BuiltinPatterns.byName("per-tuple-reset", 20_000, 9));

    /**
     * Two traces each lane can replay: Slab takes one size per context (change-queue's), Bump no pfree
     * (per-tuple-reset only allocates and resets); the others take small-churn and per-tuple-reset.
     */
    private static List<OpSequence> tracesFor(WholeTraceLane lane) {
        return switch (lane) {
            case SLAB -> List.of(BuiltinPatterns.byName("change-queue", 20_000, 9),
                    BuiltinPatterns.byName("change-queue", 20_000, 10));
            case BUMP -> List.of(TRACES.get(1), BuiltinPatterns.byName("per-tuple-reset", 20_000, 10));
            default -> TRACES;
        };
    }

    @ParameterizedTest
    @EnumSource(WholeTraceLane.class)
    void everyLaneReportsEachIteration(WholeTraceLane lane) throws IOException {
        String missing = lane.unavailableReason();
        assumeTrue(missing == null, () -> lane.laneName() + ": " + missing);
        Set<String> before = ours();
        List<LaneResult> results = WholeTraceRunner.run(lane, tracesFor(lane), 3);
        assertEquals(2, results.size());
        for (LaneResult r : results) {
            assertEquals(3, r.nsPerIteration().length);
            assertEquals(3, r.minorFaults().length);
            assertTrue(r.medianNsPerOp() > 0, lane + ": " + r);
        }
        assertTrue(before.containsAll(ours()), "left behind: " + ours());
    }

    @Test
    void theAllocSetLanesAgreeWithTheReplayInThisJvm() {
        for (OpSequence t : TRACES) {
            LaneResult main = WholeTraceRunner.run(WholeTraceLane.ASET, List.of(t), 1).get(0);
            assertEquals(NativeReplay.allocSet(t.encoded(), t.slots(), AllocSetSizes.DEFAULT, 1, false)
                    .statsBeforeDelete(), main.counters(), t.name());
            LaneResult pg15 = WholeTraceRunner.run(WholeTraceLane.ASET_PG15, List.of(t), 1).get(0);
            assertEquals(NativeReplay.variant("pg15").allocSet(t.encoded(), t.slots(), AllocSetSizes.DEFAULT, 1,
                    false).statsBeforeDelete(), pg15.counters(), t.name());
        }
    }

    @Test
    void lanesWithoutStatisticsReportNone() {
        assertNull(WholeTraceRunner.run(WholeTraceLane.GLIBC, TRACES.subList(0, 1), 1).get(0).counters());
        assertNull(WholeTraceRunner.run(WholeTraceLane.FLOOR, TRACES.subList(0, 1), 1).get(0).counters());
    }

    @Test
    void asAReplayLaneItDropsItsWarmUpIteration() {
        OpSequence t = TRACES.get(0);
        LaneResult r = WholeTraceRunner.lane(WholeTraceLane.ASET).replay(t.encoded(), t.slots(), 2);
        assertEquals(2, r.nsPerIteration().length);
    }

    /**
     * docs/trace-format.md's version 2 example, built by hand (two threads: thread 1 frees thread 0's chunk),
     * replayed through the runner program: the root never allocates, so its counters are a fresh DEFAULT
     * context's; the malloc lane runs the same trace.
     */
    @Test
    void aVersion2TraceReplaysThroughTheCLanes() throws IOException {
        long[] ops = {OpSequence.encode(OpSequence.CREATE, 0, 0), OpSequence.encode(OpSequence.ALLOC, 0, 100),
            OpSequence.encode(OpSequence.CREATE, 0, 0), OpSequence.encode(OpSequence.ALLOC, 1, 40),
            OpSequence.encode(OpSequence.FREE, 0, 0), OpSequence.encode(OpSequence.RESET, 0, 0),
            OpSequence.encode(OpSequence.ALLOC, 2, 64), OpSequence.encode(OpSequence.DELETE, 0, 0)};
        int[] where = {Placement.encode(1, 0), Placement.encode(1, 0), Placement.encode(2, 0), Placement.encode(2, 0),
            Placement.encode(1, 1), Placement.encode(2, 0), Placement.encode(2, 0), Placement.encode(1, 0)};
        ContextSpec[] contexts = {ContextSpec.ROOT, new ContextSpec(0, 0, 8192, 8388608, "ExecutorState"),
            new ContextSpec(1, 0, 1024, 8192, "ExprContext")};
        OpSequence t = new OpSequence("v2-example", 4, ops, new Placement(2, where, contexts, List.of()));
        Set<String> before = ours();
        LaneResult aset = WholeTraceRunner.run(WholeTraceLane.ASET, List.of(t), 50).get(0);
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7952, 240), aset.counters());
        assertEquals(50, aset.nsPerIteration().length);
        LaneResult glibc = WholeTraceRunner.run(WholeTraceLane.GLIBC, List.of(t), 50).get(0);
        assertEquals(50, glibc.nsPerIteration().length);
        assertTrue(before.containsAll(ours()), "left behind: " + ours());
    }

    @Test
    void refusesWhatCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> WholeTraceRunner.run(WholeTraceLane.ASET, TRACES, 0));
        assertThrows(IllegalArgumentException.class, () -> WholeTraceLane.byName("no-such-c"));
    }

    @Test
    void theRunnerEndsWhenItsParentDoes() throws Exception {
        Path dir = BundledFiles.privateDirectory("allocbench-replay-test-");
        try {
            OpSequence t = TRACES.get(0);
            Process runner = new ProcessBuilder(BundledFiles.copy(WholeTraceRunner.PROGRAM, dir, true).toString(),
                    BundledFiles.copy("liballocbench.so", dir, false).toString(), "aset", "1000000",
                    t.writeEncoded(dir.resolve("t.ops")) + ":" + t.slots()).redirectErrorStream(true).start();
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(runner.getInputStream()))) {
                assertTrue(out.readLine().startsWith("ready "));
                runner.getOutputStream().write('g');
                runner.getOutputStream().flush();
                runner.getOutputStream().close(); // as if this JVM had died: a million iterations are left
                // generous: the runner notices at once; only a runner that ignored its parent would take hours
                assertTrue(runner.waitFor(10, java.util.concurrent.TimeUnit.MINUTES), "the runner outlived its parent");
                assertEquals(4, runner.exitValue());
            } finally {
                runner.destroyForcibly();
            }
        } finally {
            BundledFiles.deleteQuietly(dir);
        }
    }

    /** The runner's directories in the temporary directory now. */
    private static Set<String> ours() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(WholeTraceRunner.DIRECTORY_PREFIX)).collect(Collectors.toSet());
        }
    }

    /**
     * Thread scaling in C: the threads exist before the first timed iteration (the runner reports when the last
     * began to run and when the first iteration began: an order, not a time limit), each replays with its own
     * context (the counters are three times the docs example's, worked out by hand in docs/postgres-memory.md),
     * and an iteration's wall time spans every thread's own time.
     */
    @Test
    void threeThreadsStartBehindABarrierEachWithItsOwnContext() throws IOException {
        OpSequence example = org.allocbench.trace.DocsExample.sequence();
        LaneResult r = WholeTraceRunner.run(WholeTraceLane.ASET, List.of(example), 4, 3).get(0);
        LaneResult.RunnerProcess p = r.process();
        assertEquals(3, p.threads());
        assertTrue(p.lastCreatedNs() > 0 && p.lastCreatedNs() <= p.firstStartNs(),
                "a thread began to run after timing began: " + p.lastCreatedNs() + " > " + p.firstStartNs());
        assertEquals(new MemoryContextCounters(3, 0, 3 * 8192, 3 * 7928, 3 * 264), r.counters());
        assertEquals(3 * example.length(), r.ops());
        assertEquals(4 * 3, p.threadNs().length);
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 3; t++) {
                assertTrue(r.nsPerIteration()[i] >= p.threadNs()[i * 3 + t], "iteration " + i + ", thread " + t);
            }
        }
        assertTrue(p.rssBytes() > 0 && p.peakRssBytes() >= p.rssBytes());
        // the warm-up iterations go, the threads' times with them
        assertEquals(3 * 3, r.from(1).process().threadNs().length);
    }
}
