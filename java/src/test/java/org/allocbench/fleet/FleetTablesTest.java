package org.allocbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.Ranking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables across hosts, on runs whose every sample is known: ratios to the reference per host side by side,
 * an allocator missing on one host, ranks per host, and the not-run hosts.
 */
class FleetTablesTest {

    @Test
    void ratiosPerHostSideBySideAndRanksPerHost(@TempDir Path tmp) throws Exception {
        Map<String, Double> alpha = new LinkedHashMap<>();
        alpha.put("aset-native", 10.0);
        alpha.put("glibc", 20.0);
        alpha.put("jemalloc", 5.0);
        Map<String, Double> beta = new LinkedHashMap<>();
        beta.put("aset-native", 8.0);
        beta.put("glibc", 4.0); // beta disagrees: glibc beats the AllocSet there
        Path a = FleetRuns.write(tmp, "a", "alpha", alpha);
        Path b = FleetRuns.write(tmp, "b", "beta", beta);
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a), new FleetMerge.HostRun(null, b)),
                List.of(new FleetMerge.NotRun("gamma", "unreachable: no route")), tmp.resolve("fleet"), "test");

        List<FleetTables.TraceTable> tables = FleetTables.perTrace(merged, Ranking.View.PER_OP, Bootstrap.DEFAULT);
        assertEquals(1, tables.size());
        FleetTables.TraceTable t = tables.get(0);
        assertEquals(List.of("alpha", "beta"), t.hosts());
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        t.rows().forEach(r -> ratios.put(r.allocator(), r.ratios().stream()
                .map(e -> e == null ? null : e.ratio()).toList()));
        assertEquals(List.of(0.5, 1.0, 2.0), List.of(ratios.get("jemalloc").get(0), ratios.get("aset-native").get(0),
                ratios.get("glibc").get(0)), "alpha: 5/10, 10/10, 20/10");
        assertEquals(0.5, ratios.get("glibc").get(1), "beta: 4/8");
        assertNull(ratios.get("jemalloc").get(1), "jemalloc did not run on beta");

        String text = FleetTables.text(merged, Bootstrap.DEFAULT);
        assertTrue(text.contains("not run: gamma: unreachable: no route"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("glibc +2\\.00 \\[2\\.00, 2\\.00] +0\\.50 \\[0\\.50, 0\\.50]")),
                text);
        assertTrue(text.lines().anyMatch(l -> l.matches("jemalloc +0\\.50 \\[0\\.50, 0\\.50] +not run")), text);
        assertTrue(text.contains("huge pages: this campaign ran no AllocSet on a shared segment"), text);
        assertEquals(Map.of("gamma", "unreachable: no route"), FleetTables.notRun(merged));
        assertTrue(text.contains("(below 1: faster), 95% interval"), text);
        assertTrue(FleetTables.text(merged, new Bootstrap(0.9, 1000, 1)).contains("(below 1: faster), 90% interval"),
                "compare --confidence 0.9: the heading says so");
    }

    @Test
    void overallRanksNeedTwoTracesAndComePerHost(@TempDir Path tmp) throws Exception {
        // two traces per host: the per-host standings (geometric mean over traces) rank the allocators
        Path a = twoTraces(tmp, "a", "alpha", 20.0);
        Path b = twoTraces(tmp, "b", "beta", 5.0);
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a), new FleetMerge.HostRun(null, b)),
                List.of(), tmp.resolve("fleet"), "test");
        Map<String, List<String>> ranks = new LinkedHashMap<>();
        FleetTables.rankings(merged, Ranking.View.PER_OP, Bootstrap.DEFAULT)
                .forEach(r -> ranks.put(r.allocator(), r.ranks()));
        assertEquals(List.of("1", "2"), ranks.get("aset-native"), "first on alpha, second on beta");
        assertEquals(List.of("2", "1"), ranks.get("glibc"));
    }

    @Test
    void whatHugePagesBuyPerHost(@TempDir Path tmp) throws Exception {
        String segment = org.allocbench.replay.PerOpLanes.SEGMENT_PREFIX;
        Map<String, Double> alpha = new LinkedHashMap<>();
        alpha.put("aset-native", 10.0);
        alpha.put(segment + "4k", 12.0);
        alpha.put(segment + "2m", 9.0);
        Map<String, Double> beta = new LinkedHashMap<>();
        beta.put("aset-native", 10.0);
        beta.put(segment + "4k", 10.0);
        beta.put(segment + "2m", 10.5);
        beta.put(segment + "1g", 8.0);
        Path a = FleetRuns.write(tmp, "a", "alpha", alpha);
        Path b = FleetRuns.write(tmp, "b", "beta", beta);
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a), new FleetMerge.HostRun(null, b)),
                List.of(), tmp.resolve("fleet"), "test");
        assertEquals(List.of(new FleetTables.HugePages("alpha", "small-churn", "2m", 0.75),
                new FleetTables.HugePages("beta", "small-churn", "2m", 1.05),
                new FleetTables.HugePages("beta", "small-churn", "1g", 0.8)), FleetTables.hugePages(merged),
                "alpha: 9/12; beta: 10.5/10 and 8/10");
        assertTrue(FleetTables.text(merged, Bootstrap.DEFAULT).lines()
                .anyMatch(l -> l.matches("alpha +small-churn +2m +0\\.750")));
    }

    private static Path twoTraces(Path tmp, String id, String host, double glibc) throws Exception {
        Path dir = FleetRuns.write(tmp, id, host, Map.of("aset-native", 10.0, "glibc", glibc));
        RunResults run = org.allocbench.results.ResultsStore.read(dir);
        run = run.withCell(FleetRuns.cell("aset-native", "logrand", 10.0)).withCell(FleetRuns.cell("glibc", "logrand",
                glibc));
        org.allocbench.results.ResultsStore.write(dir, run);
        return dir;
    }
}
