package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;

class ExportsTest {

    static RunResults synthetic() {
        RunInfo info = new RunInfo("2026-11-22T00-00-00Z-quick", "quick", RunInfo.COMPLETE, "2026-11-22T00:00:00Z",
                "2026-11-22T00:01:00Z", "allocbench run", null, null, null, null);
        RunResults r = RunResults.start(info, Map.of(), new Settings(1000, 42, 1, 3, 1, 1, "interleaved-rounds"));
        r = r.withCell(new Cell("aset-native", "small-churn", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null,
                List.of(10.0, 12.0, 11.0), List.of(0, 0, 0), 11.0, 10.0, 12.5, Map.of("blocks", 5L), List.of()));
        r = r.withCell(new Cell("null", "small-churn", Cell.FLOOR, Cell.NS_PER_OP, Cell.OK, null,
                List.of(3.0, 3.5, 4.0), List.of(0, 0, 0), 3.5, 3.0, 4.0, Map.of(), List.of()));
        r = r.withCell(Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.NOT_RUN, "libjemalloc2 missing"));
        return r;
    }

    @Test
    void githubActionBenchmark() {
        String nl = System.lineSeparator();
        assertEquals(String.join(nl,
                "[ {",
                "  \"name\" : \"aset-native x small-churn\",",
                "  \"unit\" : \"ns/op\",",
                "  \"value\" : 11.0,",
                "  \"range\" : \"± 1.250\",",
                "  \"extra\" : \"metric replay; 3 samples; 95% CI of the median 10.000..12.500 (method not recorded); run 2026-11-22T00-00-00Z-quick\"",
                "}, {",
                "  \"name\" : \"null x small-churn (floor)\",",
                "  \"unit\" : \"ns/op\",",
                "  \"value\" : 3.5,",
                "  \"range\" : \"± 0.500\",",
                "  \"extra\" : \"metric floor; 3 samples; 95% CI of the median 3.000..4.000 (method not recorded); run 2026-11-22T00-00-00Z-quick\"",
                "} ]", ""), Exports.export(synthetic(), Exports.GITHUB_ACTION_BENCHMARK));
    }

    @Test
    void bencher() {
        String nl = System.lineSeparator();
        assertEquals(String.join(nl,
                "{",
                "  \"aset-native x small-churn\" : {",
                "    \"latency\" : {",
                "      \"value\" : 11.0,",
                "      \"lower_value\" : 10.0,",
                "      \"upper_value\" : 12.5",
                "    }",
                "  },",
                "  \"null x small-churn (floor)\" : {",
                "    \"latency\" : {",
                "      \"value\" : 3.5,",
                "      \"lower_value\" : 3.0,",
                "      \"upper_value\" : 4.0",
                "    }",
                "  }",
                "}", ""), Exports.export(synthetic(), Exports.BENCHER));
    }

    @Test
    void unknownFormat() {
        assertEquals("unknown export format \"csv\" (known: github-action-benchmark, bencher)",
                assertThrows(IllegalArgumentException.class, () -> Exports.export(synthetic(), "csv")).getMessage());
    }

    /** Three forks of aset-native and glibc (2x, fork by fork) on two traces: the ranked ratios are exported. */
    @Test
    void rankedRatiosAreExportedAsTheTablesComputeThem() {
        RunInfo info = new RunInfo("r", "quick", RunInfo.COMPLETE, "2026-12-04T00:00:00Z", "2026-12-04T00:01:00Z",
                "allocbench run", null, null, null, null);
        RunResults r = RunResults.start(info, Map.of(), new Settings(1000, 42, 1, 2, 3, 1, "interleaved-forks"));
        List<Integer> forks = List.of(0, 0, 1, 1, 2, 2);
        for (String trace : List.of("small-churn", "logrand")) {
            r = r.withCell(org.allocbench.stats.CellSummary.of(org.allocbench.stats.Bootstrap.DEFAULT, "aset-native",
                    trace, Cell.REPLAY, Cell.NS_PER_OP, null, List.of(10.0, 10.0, 12.0, 12.0, 11.0, 11.0), forks,
                    Map.of(), List.of(), List.of()));
            r = r.withCell(org.allocbench.stats.CellSummary.of(org.allocbench.stats.Bootstrap.DEFAULT, "glibc", trace,
                    Cell.REPLAY, Cell.NS_PER_OP, null, List.of(20.0, 20.0, 24.0, 24.0, 22.0, 22.0), forks, Map.of(),
                    List.of(), List.of()));
        }
        List<Exports.Ratio> ratios = Exports.ratios(r);
        assertEquals(List.of("ratio glibc x small-churn / aset-native", "ratio glibc x logrand / aset-native",
                "geomean glibc / aset-native"), ratios.stream().map(Exports.Ratio::name).toList());
        for (Exports.Ratio ratio : ratios) {
            assertEquals(2.0, ratio.estimate().ratio(), 1e-12);
            assertEquals("2", ratio.rank());
        }
        String bencher = Exports.export(r, Exports.BENCHER);
        org.junit.jupiter.api.Assertions.assertTrue(bencher.contains("\"geomean glibc / aset-native\" : {\n    \"ratio\""
                .replace("\n", System.lineSeparator())), bencher);
    }
}
