package org.allocbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.CellSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a run at several thread counts and of a process-model run: each gets its section and its
 * charts under names the README links to, and the other sections show only what they can compare.
 */
class ScalingReportTest {

    private static Cell cell(String lane, String metric, String unit, double value, Map<String, Long> stats,
            int threads, int processes) {
        List<Double> samples = new ArrayList<>();
        List<Integer> forks = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            for (int i = 0; i < 3; i++) {
                samples.add(value); // every fork the same: the figures below are exact
                forks.add(f);
            }
        }
        return CellSummary.of(Bootstrap.DEFAULT, lane, "logrand", metric, unit, null, samples, forks, stats,
                List.of(), List.of()).at(threads, processes);
    }

    private static RunResults start(String method) {
        return RunResults.start(new RunInfo("r", "scale", RunInfo.COMPLETE, null, null, null, null, null, null, null),
                Map.of(), new Settings(1000, 42, 1, 3, 3, 1, method));
    }

    private static String write(Path dir, RunResults run) throws Exception {
        ResultsStore.write(dir, run);
        return Files.readString(RunReport.write(dir), StandardCharsets.UTF_8);
    }

    @Test
    void aScalingRunHasItsSectionAndTheOtherSectionsShowOneThread(@TempDir Path dir) throws Exception {
        RunResults run = start("interleaved-forks");
        Map<String, Long> memory = Map.of("baseRssBytes", 1L << 20, "peakRssBytes", 3L << 20, "rssBytes", 2L << 20);
        for (int threads : List.of(1, 2, 4)) {
            // 10 ns/op at one thread, 6 at two (efficiency 10 / 12 = 0.83), 5 at four (0.50)
            double ns = threads == 1 ? 10 : threads == 2 ? 6 : 5;
            run = run.withCell(cell("aset-c", Cell.WHOLE_TRACE, Cell.NS_PER_OP, ns, memory, threads, 1))
                    .withCell(cell("aset-native", Cell.REPLAY, Cell.NS_PER_OP, 2 * ns, Map.of(), threads, 1));
        }
        String html = write(dir, run);
        assertTrue(html.contains("<h2 id=\"scaling\">Thread scaling</h2>"), html);
        assertTrue(html.contains("<td class=\"num\">167 (12.0), 0.83 ["), "2 threads: 166.7 Mops/s, 12 ns/op each, 0.83");
        assertTrue(html.contains("<td class=\"num\">200 (20.0), 0.50 ["), "4 threads: 200 Mops/s, 20 ns/op each, 0.50");
        assertTrue(html.contains("2,048 KiB | 512 KiB"), "added RSS: 2 MiB, per thread at 1 and at 4 threads");
        for (String chart : List.of("scaling-logrand-throughput.png", "scaling-logrand-efficiency.png")) {
            assertTrue(Files.size(dir.resolve("charts").resolve(chart)) > 1000, chart);
        }
        // the time section compares the one-thread cells only: 10 ns/op, never the 6 or the 5
        String time = html.substring(html.indexOf("<h2 id=\"time\">"), html.indexOf("<h2 id=\"scaling\">"));
        assertFalse(time.contains(">6.00<") || time.contains(">5.00<"), time);
        assertFalse(html.contains("<h2 id=\"processes\">"));
    }

    @Test
    void aProcessModelRunHasItsSectionAndNoAllocatorComparison(@TempDir Path dir) throws Exception {
        RunResults run = start("process-model");
        for (int n : List.of(1, 4)) {
            run = run.withCell(cell("sysv/4k", Cell.SEGMENT_PTE, "bytes", 2_101_248, Map.of("expectedBytes",
                            2_097_152L), 1, n))
                    .withCell(cell("sysv/4k", Cell.PAGE_TABLES, "bytes", 2_200_000.0 * n, Map.of(), 1, n))
                    .withCell(cell("sysv/4k", Cell.ATTACH, "ns", 100_000, Map.of(), 1, n))
                    .withCell(cell("sysv/4k", Cell.FIRST_TOUCH, "ns", 260_000_000, Map.of(), 1, n))
                    .withCell(cell("sysv/4k", Cell.TOUCH_FAULTS, "faults", 262_144, Map.of(), 1, n))
                    .withCell(cell("sysv/4k", Cell.WHOLE_TRACE, Cell.NS_PER_OP, 3.3, Map.of(), 1, n))
                    .withCell(cell("sysv/1g", Cell.SEGMENT_PTE, "bytes", 0, Map.of("expectedBytes", 0L), 1, n));
        }
        String html = write(dir, run);
        assertTrue(html.contains("<h2 id=\"processes\">"), html);
        assertTrue(html.contains("<td class=\"num\">2.00 MiB</td>"), "per process, measured and expected");
        assertTrue(html.contains("<td class=\"num\">262,144</td>"), "the touch's faults");
        assertTrue(html.contains("cannot be drawn on a log scale"), "the 1 GiB pages' zero is said, not drawn");
        for (String chart : List.of("process-page-tables.png", "process-page-tables-total.png")) {
            assertTrue(Files.size(dir.resolve("charts").resolve(chart)) > 1000, chart);
        }
        for (String id : List.of("summary", "time", "memory", "scaling")) {
            assertFalse(html.contains("<h2 id=\"" + id + "\">"), id + ": segments are not allocators");
        }
        assertEquals(List.of(), RunReport.comparable(run).cells());
    }
}
