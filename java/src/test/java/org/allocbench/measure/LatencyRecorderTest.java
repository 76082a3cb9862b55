package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

/** The timed replay records one value per op, in either mode, and sane percentiles. */
class LatencyRecorderTest {

    private static final OpSequence OPS = BuiltinPatterns.byName("small-churn", 10_003, 7); // not a multiple of 16

    private static Histogram record(String allocator, LatencyMode mode, int group) {
        Histogram h = LatencyRecorder.newHistogram();
        try (Allocator a = Allocators.byName(allocator).create()) {
            new LatencyRecorder(mode, group).replay(a, new ReplayLoop(OPS), h);
        }
        return h;
    }

    private static void assertOrdered(Histogram h) {
        long p50 = h.getValueAtPercentile(50);
        long p90 = h.getValueAtPercentile(90);
        long p99 = h.getValueAtPercentile(99);
        long p999 = h.getValueAtPercentile(99.9);
        assertTrue(p50 <= p90 && p90 <= p99 && p99 <= p999 && h.highestEquivalentValue(h.getMaxValue()) >= p999,
                p50 + " " + p90 + " " + p99 + " " + p999 + " " + h.getMaxValue());
        assertTrue(p50 >= 0);
    }

    @Test
    void perOpRecordsOneValuePerOp() {
        for (String allocator : new String[] {"aset-java", "aset-native"}) {
            Histogram h = record(allocator, LatencyMode.PER_OP, 16);
            assertEquals(OPS.length(), h.getTotalCount(), allocator);
            assertOrdered(h);
        }
    }

    @Test
    void aVersion2TraceOfOneThreadIsRecordedOpByOpAndOneOfSeveralIsRefused() {
        OpSequence tree = org.allocbench.replay.V2Traces.random(5, 3001, 32, 8, 1, 4000);
        for (LatencyMode mode : LatencyMode.values()) {
            Histogram h = LatencyRecorder.newHistogram();
            try (Allocator a = Allocators.byName("aset-native").create();
                    org.allocbench.replay.TraceReplay replay = org.allocbench.replay.TraceReplay.of(tree)) {
                new LatencyRecorder(mode, 16).replay(a, replay, h);
            }
            assertEquals(tree.length(), h.getTotalCount(), mode.toString());
        }
        OpSequence threads = org.allocbench.replay.V2Traces.random(5, 300, 32, 8, 2, 4000);
        try (Allocator a = Allocators.byName("glibc").create();
                org.allocbench.replay.TraceReplay replay = org.allocbench.replay.TraceReplay.of(threads)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new LatencyRecorder(LatencyMode.PER_OP, 1).replay(a, replay, LatencyRecorder.newHistogram()));
            assertTrue(e.getMessage().startsWith("per-op latency is not recorded for trace random-5 of 2 threads"),
                    e.getMessage());
        }
    }

    @Test
    void groupedRecordsOneValuePerOpToo() {
        Histogram h = record("aset-java", LatencyMode.GROUPED, 16);
        assertEquals(OPS.length(), h.getTotalCount());
        assertOrdered(h);
        assertEquals(OPS.length(), record("aset-java", LatencyMode.GROUPED, 1).getTotalCount());
        assertEquals(OPS.length(), record("aset-java", LatencyMode.GROUPED, 100_000).getTotalCount());
    }

    @Test
    void nativeLaneRecordsOneValuePerOpPerIteration() {
        NativeLatency.Result r = NativeLatency.allocSet(OPS, AllocSetSizes.DEFAULT, 1, 2);
        assertEquals(2L * OPS.length(), r.histogram().getTotalCount());
        assertTrue(r.timerOverheadNs() >= 0);
        assertOrdered(r.histogram());
    }

    @Test
    void timerCalibrationIsPlausible() {
        TimerCalibration t = TimerCalibration.measure(10_000);
        assertTrue(t.granularityNs() >= 1);
        assertTrue(t.pairMedianNs() >= 0 && t.pairMedianNs() < 100_000, t.describe());
        assertEquals(10_000, t.samples());
    }
}
