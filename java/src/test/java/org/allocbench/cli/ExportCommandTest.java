package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.campaign.Exports;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

    @Test
    void exportsAnyRun(@TempDir Path dir) throws Exception {
        RunResults run = RunResults.start(new RunInfo("r1", "quick", RunInfo.COMPLETE, "2026-11-22T00:00:00Z", null,
                "allocbench run", null, null, null, null), Map.of(), new Settings(10, 42, 0, 1, 1, 1, "interleaved-rounds"))
                .withCell(new Cell("glibc", "logrand", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null, List.of(2.0),
                        List.of(0), 2.0, 2.0, 2.0, Map.of(), List.of()));
        ResultsStore.write(dir, run);
        CliRun r = CliRun.run("export", dir.toString(), "--format", "bencher");
        assertEquals(0, r.exit(), r.err());
        assertEquals(Exports.export(run, Exports.BENCHER), r.out());
        Path file = dir.resolve("gab.json");
        r = CliRun.run("export", dir.resolve("results.json").toString(), "--format", "github-action-benchmark",
                "-o", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(Exports.export(run, Exports.GITHUB_ACTION_BENCHMARK), Files.readString(file));
        r = CliRun.run("export", dir.toString(), "--format", "csv");
        assertEquals(2, r.exit());
        assertEquals("allocbench export: unknown format \"csv\" (known: github-action-benchmark, bencher)\n", r.err());
        r = CliRun.run("export", dir.resolve("nothing").toString(), "--format", "bencher");
        assertEquals(2, r.exit());
        assertEquals("allocbench export: " + dir.resolve("nothing") + ": no readable results.json there (a run"
                + " directory of allocbench run, or its results.json)\n", r.err());
    }
}
