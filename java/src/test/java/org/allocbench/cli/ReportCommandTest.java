package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code allocbench report} through the real command line. */
class ReportCommandTest {


    private static Path runDir(Path base) throws Exception {
        Path dir = Files.createDirectories(base.resolve("r1"));
        RunResults r = RunResults.start(new RunInfo("r1", "quick", RunInfo.COMPLETE, "2026-11-22T05:00:00Z",
                "2026-11-22T05:01:00Z", "allocbench run", null, null, null, "0.1.0"), Map.of("cores", 2),
                new Settings(1000, 42, 1, 3, 1, 1, "interleaved-rounds"));
        r = r.withCell(new Cell("aset-native", "small-churn", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null,
                List.of(20.0, 21.0, 22.0), List.of(0, 0, 0), 21.0, 20.0, 22.0, Map.of(), List.of()));
        ResultsStore.write(dir, r);
        return dir;
    }

    @Test
    void writesTheReportAndPrintsItsPath(@TempDir Path base) throws Exception {
        Path dir = runDir(base);
        CliRun r = run("report", dir.toString());
        assertEquals(0, r.exit(), r.err());
        Path report = dir.resolve("report.html").toAbsolutePath().normalize();
        assertEquals(report.toString(), r.out().strip());
        assertTrue(Files.size(report) > 10_000);
    }

    @Test
    void openPathPrintsAFileUrl(@TempDir Path base) throws Exception {
        Path dir = runDir(base);
        CliRun r = run("report", dir.resolve("results.json").toString(), "--open-path");
        assertEquals(0, r.exit(), r.err());
        assertEquals(dir.resolve("report.html").toAbsolutePath().normalize().toUri().toString(), r.out().strip());
        assertTrue(r.out().startsWith("file:/"));
    }

    @Test
    void aDirectoryWithoutAResultsFileIsAnError(@TempDir Path base) {
        CliRun r = run("report", base.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("results.json"), r.err());
        CliRun missing = run("report", base.resolve("nope").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("not a run directory"), missing.err());
    }
}
