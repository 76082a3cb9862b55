package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.allocbench.measure.MemoryCellResult;
import org.junit.jupiter.api.Test;

/** The memory command's table (its cells run in MemoryCellProcessTest) and its usage errors. */
class MemoryCommandTest {

    private static MemoryCellResult cell(String allocator, Long total, double overhead, String source,
            double rssPerLive) {
        return new MemoryCellResult(allocator, "small-churn", 20_000, 42, "ends", true, 50 << 20, 60 << 20, 3 << 19,
                55 << 20, 5 << 20, 400, 0.02, 100, 0.005, 1 << 20, 1 << 19, total, overhead, source, rssPerLive,
                Double.NaN, 1 << 20, 0, 1_000_000);
    }

    @Test
    void aRatioOverTheAllocatorsOwnTotalIsMarkedAndAMissingOneIsADash() {
        StringWriter table = new StringWriter();
        MemoryCommand.printTable(new PrintWriter(table, true), List.of(
                cell("aset-native", 1L << 20, 2.0, "allocator-total", 10.0),
                cell("glibc", null, 10.0, "rss-growth", 10.0)));
        List<String> lines = table.toString().lines().toList();
        assertEquals("allocator     trace              peakRSS+MiB    held/live   RSS+/live peak+/pklive  minflt/op"
                + " thr flt/op", lines.get(0));
        assertEquals("aset-native   small-churn               1.50       2.000*      10.000            -     0.0200"
                + "     0.0050", lines.get(1));
        assertEquals("glibc         small-churn               1.50      10.000       10.000            -     0.0200"
                + "     0.0050", lines.get(2));
    }

    @Test
    void usageErrorsExitTwo() {
        var touch = CliRun.run("memory", "--touch", "some");
        assertEquals(2, touch.exit());
        assertEquals("allocbench memory: --touch must be ends or pages, not \"some\"\n", touch.err());
        var ops = CliRun.run("memory", "--ops", "0");
        assertEquals(2, ops.exit());
        assertTrue(ops.err().startsWith("allocbench memory: --ops and --timeout must be at least 1"), ops.err());
    }
}
