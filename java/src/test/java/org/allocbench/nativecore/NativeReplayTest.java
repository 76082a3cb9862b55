package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.JavaAllocSetAllocator;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole-trace native replay against the per-op replays: the same trace
 * must leave the same statistics before deletion whether it runs in one
 * downcall, op by op through FFM, or in the pure-Java AllocSet.
 */
class NativeReplayTest {

    private static final int OPS = 20_000;

    /** docs/trace-format.md's example ("slots 3"). */
    static final long[] EXAMPLE = {
        OpSequence.encode(OpSequence.ALLOC, 0, 100),
        OpSequence.encode(OpSequence.ALLOC_ZEROED, 1, 24),
        OpSequence.encode(OpSequence.REALLOC, 0, 300),
        OpSequence.encode(OpSequence.FREE, 1, 0),
        OpSequence.encode(OpSequence.ALLOC, 2, 9000),
        OpSequence.encode(OpSequence.RESET, 0, 0),
        OpSequence.encode(OpSequence.ALLOC, 0, 16),
    };

    @Test
    void exampleTraceFromTheFormatDocument() {
        // derivations in native/test/test_replay.c
        NativeReplay.Result all = NativeReplay.allocSet(EXAMPLE, 3, AllocSetSizes.DEFAULT, 2, false);
        assertCounters(all.statsBeforeDelete(), 8192, 1, 7928, 0, 264);
        assertEquals(2, all.nsPerIteration().length);
        assertTrue(Arrays.stream(all.nsPerIteration()).allMatch(ns -> ns > 0), Arrays.toString(all.nsPerIteration()));
        assertNull(all.latencies());

        NativeReplay.Result beforeReset = NativeReplay.allocSet(Arrays.copyOf(EXAMPLE, 5), 3, AllocSetSizes.DEFAULT, 1,
                false);
        assertCounters(beforeReset.statsBeforeDelete(), 17240, 2, 7432, 2, 9808);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"small-churn, 1", "small-churn, 42", "per-tuple-batches, 1", "per-tuple-batches, 42"})
    void sameStatisticsAsPerOpReplays(String pattern, long seed) {
        OpSequence ops = BuiltinPatterns.byName(pattern, OPS, seed);

        NativeReplay.Result whole = NativeReplay.allocSet(ops.encoded(), ops.slots(), AllocSetSizes.DEFAULT, 3, false);
        MemoryContextCounters perOpNative = replayPerOp(new NativeAllocSetAllocator(AllocSetSizes.DEFAULT), ops);
        MemoryContextCounters perOpJava = replayPerOp(new JavaAllocSetAllocator(AllocSetSizes.DEFAULT), ops);

        assertEquals(perOpNative, whole.statsBeforeDelete(), "whole-trace native vs per-op FFM");
        assertEquals(perOpJava, whole.statsBeforeDelete(), "whole-trace native vs pure Java");
        assertTrue(whole.statsBeforeDelete().usedBytes() > 240, "the trace leaves something live: "
                + whole.statsBeforeDelete());
    }

    /** The replay loop, then the statistics just before close, as the format says. */
    static MemoryContextCounters replayPerOp(Allocator allocator, OpSequence ops) {
        try (allocator) {
            new ReplayLoop(ops).replay(allocator);
            AllocatorStats s = allocator.stats();
            return new MemoryContextCounters(s.blocks().orElseThrow(), s.freeChunks().orElseThrow(),
                    s.totalBytes().orElseThrow(), s.freeBytes().orElseThrow(), s.usedBytes().orElseThrow());
        }
    }

    @ParameterizedTest
    @CsvSource({"small-churn", "per-tuple-batches"})
    void mallocLaneRunsEveryIteration(String pattern) {
        OpSequence ops = BuiltinPatterns.byName(pattern, OPS, 7);
        NativeReplay.Result result = NativeReplay.malloc(ops.encoded(), ops.slots(), 4, false);
        assertEquals(4, result.nsPerIteration().length);
        assertTrue(Arrays.stream(result.nsPerIteration()).allMatch(ns -> ns > 0));
        assertNull(result.statsBeforeDelete(), "malloc keeps no context statistics");
    }

    @ParameterizedTest
    @CsvSource({"ALLOC_SET", "MALLOC"})
    void latencyModeTimesEveryOp(NativeReplay.Lane lane) {
        OpSequence ops = BuiltinPatterns.byName("per-tuple-batches", OPS, 3);
        try (NativeReplay.PreparedTrace trace = NativeReplay.prepare(ops.encoded(), ops.slots())) {
            NativeReplay.Result result = trace.run(lane, AllocSetSizes.DEFAULT, 2, true);
            assertNotNull(result.latencies());
            assertEquals(OPS, result.latencies().length);
            long nonPositive = Arrays.stream(result.latencies()).filter(ns -> ns <= 0).count();
            assertEquals(0, nonPositive, "ops timed at 0 ns or less");
            assertTrue(result.timerOverheadNs() >= 0 && result.timerOverheadNs() < 1_000_000,
                    "timer overhead " + result.timerOverheadNs());
            // timing each op does not change what the allocator does
            if (lane == NativeReplay.Lane.ALLOC_SET) {
                assertEquals(trace.run(lane, AllocSetSizes.DEFAULT, 1, false).statsBeforeDelete(),
                        result.statsBeforeDelete());
            }
        }
    }

    @Test
    void preparedTraceReplaysManyTimesUntilClosed() {
        OpSequence ops = BuiltinPatterns.byName("small-churn", OPS, 5);
        NativeReplay.PreparedTrace trace = NativeReplay.prepare(ops.encoded(), ops.slots());
        MemoryContextCounters first = trace.run(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 1, false)
                .statsBeforeDelete();
        assertEquals(3, trace.time(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 3).length);
        assertEquals(1, trace.time(NativeReplay.Lane.MALLOC, AllocSetSizes.DEFAULT, 1).length);
        assertEquals(first, trace.run(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 1, false)
                .statsBeforeDelete());
        trace.close();
        assertThrows(IllegalStateException.class,
                () -> trace.time(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 1));
    }

    @Test
    void otherContextSizes() {
        // SMALL: allocChunkLimit 1024, so the 9000 is a dedicated block as before; the final 16 stays in the keeper
        NativeReplay.Result result = NativeReplay.allocSet(EXAMPLE, 3, AllocSetSizes.SMALL, 1, false);
        assertCounters(result.statsBeforeDelete(), 1024, 1, 760, 0, 264);
    }

    // ---- refusals ----

    private static void assertRefused(long[] ops, int slots, String message) {
        MemoryContextException e = assertThrows(MemoryContextException.class,
                () -> NativeReplay.allocSet(ops, slots, AllocSetSizes.DEFAULT, 1, false));
        assertEquals(message, e.getMessage());
        assertEquals(MemoryContextException.Kind.INVALID_ARGUMENT, e.kind());
        e = assertThrows(MemoryContextException.class, () -> NativeReplay.malloc(ops, slots, 1, true));
        assertEquals(message, e.getMessage());
        e = assertThrows(MemoryContextException.class, () -> NativeReplay.validate(ops, slots));
        assertEquals(message, e.getMessage());
    }

    @Test
    void invalidTracesNameTheOp() {
        long a0 = OpSequence.encode(OpSequence.ALLOC, 0, 64);
        long f0 = OpSequence.encode(OpSequence.FREE, 0, 0);
        assertRefused(new long[] {a0, f0, f0}, 3, "invalid trace at op 2: 'f' on slot 0, which is empty");
        assertRefused(new long[] {a0, a0}, 3, "invalid trace at op 1: 'a' into slot 0, which is full");
        assertRefused(new long[] {a0, OpSequence.encode(OpSequence.RESET, 0, 0),
            OpSequence.encode(OpSequence.REALLOC, 0, 128)}, 3, "invalid trace at op 2: 'r' on slot 0, which is empty");
        assertRefused(new long[] {OpSequence.encode(OpSequence.ALLOC_ZEROED, 5, 8)}, 3,
                "invalid trace at op 0: 'z' on slot 5, out of range (the trace has 3 slots)");
        // Written by hand: encode() refuses size 0 itself, and native code must refuse a word from anywhere.
        long allocSlot1Size0 = OpSequence.ALLOC | (1L << 3);
        assertRefused(new long[] {a0, allocSlot1Size0}, 3,
                "invalid trace at op 1: 'a' of size 0 (sizes are 1..1073741823)");
        assertRefused(new long[] {a0, 7}, 3, "invalid trace at op 1: unknown op kind 7 (op word 0x0000000000000007)");
        assertRefused(new long[] {a0, 0}, 3, "invalid trace at op 1: unknown op kind 0 (op word 0x0000000000000000)");
        assertRefused(new long[] {a0 | Long.MIN_VALUE}, 3,
                "invalid trace at op 0: bits 57..63 must be zero (op word 0x8000000200000001)");
    }

    @Test
    void prepareRefusesBadTracesWithTheSameMessage() {
        long a0 = OpSequence.encode(OpSequence.ALLOC, 0, 64);
        MemoryContextException e = assertThrows(MemoryContextException.class,
                () -> NativeReplay.prepare(new long[] {a0, a0}, 1));
        assertEquals("invalid trace at op 1: 'a' into slot 0, which is full", e.getMessage());
    }

    @Test
    void preparedTraceIsACopy() {
        long[] ops = EXAMPLE.clone();
        try (NativeReplay.PreparedTrace trace = NativeReplay.prepare(ops, 3)) {
            Arrays.fill(ops, 0); // invalid now, but the trace was copied before
            assertCounters(trace.run(NativeReplay.Lane.ALLOC_SET, AllocSetSizes.DEFAULT, 1, false).statsBeforeDelete(),
                    8192, 1, 7928, 0, 264);
            assertEquals(EXAMPLE.length, trace.length());
        }
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertEquals("slots must be 1..16777216, not 0", assertThrows(IllegalArgumentException.class,
                () -> NativeReplay.allocSet(EXAMPLE, 0, AllocSetSizes.DEFAULT, 1, false)).getMessage());
        assertEquals("iterations must be at least 1, not 0", assertThrows(IllegalArgumentException.class,
                () -> NativeReplay.allocSet(EXAMPLE, 3, AllocSetSizes.DEFAULT, 0, false)).getMessage());
        MemoryContextException e = assertThrows(MemoryContextException.class,
                () -> NativeReplay.allocSet(EXAMPLE, 3, new AllocSetSizes(0, 1000, 8192), 1, false));
        assertEquals("invalid initBlockSize 1000: must be a multiple of 8 and at least 1024", e.getMessage());
        assertThrows(NullPointerException.class, () -> NativeReplay.malloc(null, 3, 1, false));
    }

    @Test
    void emptyTraceCreatesAndDeletes() {
        NativeReplay.Result result = NativeReplay.allocSet(new long[0], 1, AllocSetSizes.DEFAULT, 1, true);
        assertCounters(result.statsBeforeDelete(), 8192, 1, 7952, 0, 240);
        assertArrayEquals(new long[0], result.latencies());
    }
}
