package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.junit.jupiter.api.Test;

/** The cell run in this JVM on a tiny trace, its JSON line, and the live-bytes pre-pass. */
class MemoryCellTest {

    @Test
    void cellInProcessGivesAWellFormedLine() {
        MemoryCellResult r = MemoryCell.run("aset-native", Pattern.SMALL_CHURN, 5_000, 7);
        String json = r.toJson();
        assertTrue(json.startsWith("{\"allocator\":\"aset-native\",\"pattern\":\"small-churn\",\"ops\":5000,\"seed\":7,\"touch\":\"ends\","), json);
        assertTrue(json.endsWith("}") && !json.contains("\n"), json);
        Map<String, String> keys = MemoryCellResult.parseFlat(json);
        for (String key : new String[] {"peakRssBytes", "peakRssDeltaBytes", "rssAtEndBytes", "minorFaults",
                "minorFaultsPerOp", "peakLiveRequestedBytes", "allocatorTotalBytes", "overheadRatio",
                "javaHeapUsedBytes"}) {
            assertTrue(keys.containsKey(key), key + " missing in " + json);
        }
        assertEquals(json, MemoryCellResult.fromJson(json).toJson()); // round trip
        assertTrue(r.peakRssBytes() > 0 && r.rssAtEndBytes() > 0, json);
        assertTrue(r.peakLiveRequestedBytes() >= r.liveRequestedAtEndBytes() && r.liveRequestedAtEndBytes() > 0, json);
        assertNotNull(r.allocatorTotalBytes(), json); // AllocSet knows what it holds
        assertEquals("allocator-total", r.overheadSource());
        assertTrue(r.overheadRatio() >= 1.0, json); // it cannot hold less than the live bytes
    }

    @Test
    void mallocHasNoTotalSoRssIsTheNumerator() {
        MemoryCellResult r = MemoryCell.run("glibc", Pattern.LOGRAND, 3_000, 7);
        assertNull(r.allocatorTotalBytes());
        assertEquals("rss-delta", r.overheadSource());
        assertTrue(r.toJson().contains("\"allocatorTotalBytes\":null"), r.toJson());
        assertNull(MemoryCellResult.fromJson(r.toJson()).allocatorTotalBytes());
    }

    @Test
    void touchRuleIsEndsOrPages() {
        assertTrue(MemoryCell.touchPages("pages"));
        assertTrue(!MemoryCell.touchPages("ends"));
        assertThrows(IllegalArgumentException.class, () -> MemoryCell.touchPages("all"));
    }

    @Test
    void liveBytesFollowAllocResizeFreeAndReset() {
        OpSequence.Builder b = new OpSequence.Builder("t", 3);
        b.add(OpSequence.ALLOC, 0, 100);       // 100
        b.add(OpSequence.ALLOC_ZEROED, 1, 50); // 150
        b.add(OpSequence.REALLOC, 0, 300);     // 350 (peak)
        b.add(OpSequence.FREE, 1, 0);          // 300
        b.add(OpSequence.RESET, 0, 0);         // 0
        b.add(OpSequence.ALLOC, 2, 10);        // 10
        b.add(OpSequence.ALLOC, 0, 20);        // 30: slot 0's old size died with the reset
        long[] live = MemoryCell.liveBytes(b.build());
        assertEquals(350, live[0]);
        assertEquals(30, live[1]);
    }

    @Test
    void unknownOrUnavailableAllocatorIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> MemoryCell.run("nope", Pattern.FIFO, 10, 1));
        assertTrue(e.getMessage().contains("known:"), e.getMessage());
    }
}
