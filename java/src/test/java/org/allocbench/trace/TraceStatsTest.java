package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counts, size percentiles and peaks of a trace. */
class TraceStatsTest {

    @Test
    void theFormatDocumentsExample() throws Exception {
        TraceStats s = TraceStats.of(TraceTesting.parse(TraceReaderTest.EXAMPLE));
        assertEquals(7, s.ops());
        assertEquals(3, s.allocs());
        assertEquals(1, s.zeroedAllocs());
        assertEquals(1, s.reallocs());
        assertEquals(1, s.frees());
        assertEquals(1, s.resets());
        assertEquals(3, s.slots());
        assertEquals(3, s.slotsUsed());
        assertArrayEquals(new int[] {16, 24, 100, 300, 9000}, s.sortedSizes());
        assertEquals(100 + 24 + 300 + 9000 + 16, s.requestedBytes());
        // a 0 100, z 1 24: two live; r 0 300: 324 bytes; f 1: 300; a 2 9000: 9300 (op 5)
        assertEquals(2, s.peakLiveSlots());
        assertEquals(1, s.peakLiveSlotsAt());
        assertEquals(9300, s.peakLiveBytes());
        assertEquals(4, s.peakLiveBytesAt());
        assertEquals(100, s.sizePercentile(50));
        assertEquals(300, s.sizePercentile(80));
        assertEquals(9000, s.sizePercentile(81));
        assertEquals(16, s.sizePercentile(0.1));
        assertEquals(9000, s.sizePercentile(100));
        assertEquals(9440 / 5.0, s.meanSize());
    }

    @Test
    void aResetEmptiesEverything() throws Exception {
        TraceStats s = TraceStats.of(TraceTesting.parse("trace 1\nslots 4\na 0 10\na 1 10\nR\na 0 5\na 1 5\na 2 5\n"));
        assertEquals(3, s.peakLiveSlots());
        assertEquals(5, s.peakLiveSlotsAt());
        assertEquals(20, s.peakLiveBytes());
        assertEquals(1, s.peakLiveBytesAt());
        assertEquals(3, s.slotsUsed());
    }

    @Test
    void noOps() throws Exception {
        TraceStats s = TraceStats.of(TraceTesting.parse("trace 1\nslots 4\n"));
        assertEquals(0, s.ops());
        assertEquals(0, s.sizePercentile(50));
        assertEquals(-1, s.peakLiveSlotsAt());
        assertEquals(0, s.meanSize());
    }

    @Test
    void aVersion2ResetOrDeleteEmptiesItsWholeSubtree() throws Exception {
        // the docs example: c 1, a 0 100, c 2, a 1 40, f 0, R 2 (slot 1 empties), a 2 64, d 1 (slot 2 empties)
        TraceStats s = TraceStats.of(TraceTesting.parse("example.trace", TraceReaderV2Test.docsExample()));
        assertEquals(8, s.ops());
        assertEquals(3, s.allocs());
        assertEquals(1, s.frees());
        assertEquals(1, s.resets());
        assertEquals(2, s.creates());
        assertEquals(1, s.deletes());
        assertEquals(2, s.peakLiveSlots());
        assertEquals(3, s.peakLiveSlotsAt());
        assertEquals(140, s.peakLiveBytes());
        assertEquals(3, s.peakLiveBytesAt());
    }
}
