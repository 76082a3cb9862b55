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

/** {@code allocbench compare} through the real command line, on synthetic runs. */
class CompareCommandTest {


    static Path write(Path dir, String id, double factor, Cell... extra) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve(id));
        RunResults r = RunResults.start(new RunInfo(id, "gate", RunInfo.COMPLETE, "2026-11-22T05:00:00Z",
                "2026-11-22T05:01:00Z", "allocbench run", null, null, null, "0.1.0"), Map.of(),
                new Settings(100_000, 42, 3, 5, 3, 1, "interleaved-rounds"));
        List<Integer> forks = List.of(0, 0, 0, 1, 1, 1, 2, 2, 2);
        r = r.withCell(cell("aset-native", factor, List.of(20.0, 20.2, 19.9, 21.0, 21.1, 20.8, 19.5, 19.6, 19.7), forks));
        r = r.withCell(cell("glibc", 1.0, List.of(40.0, 40.2, 39.9, 41.0, 41.1, 40.8, 39.5, 39.6, 39.7), forks));
        for (Cell c : extra) {
            r = r.withCell(c);
        }
        ResultsStore.write(runDir, r);
        return runDir;
    }

    private static Cell cell(String allocator, double factor, List<Double> samples, List<Integer> forks) {
        List<Double> scaled = samples.stream().map(v -> v * factor).toList();
        return new Cell(allocator, "small-churn", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null, scaled, forks, null, null,
                null, Map.of(), List.of());
    }

    @Test
    void comparesCellsInBothAndListsTheRest(@TempDir Path dir) throws Exception {
        Path a = write(dir, "a", 1.0, Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.NOT_RUN, "libjemalloc2 not installed"));
        Path b = write(dir, "b", 1.25, cell("mimalloc", 1.0, List.of(30.0, 31.0), List.of(0, 1)),
                Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.OK, null));
        Path md = dir.resolve("cmp.md");
        CliRun r = run("compare", a.toString(), b.toString(), "--markdown", md.toString());
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("A: " + a + " (gate, 2026-11-22T05:00:00Z)\nB: " + b + " (gate, 2026-11-22T05:00:00Z)\n"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("aset-native +small-churn +replay +20\\.00 +25\\.00 +1\\.250 \\[1\\.\\d+, 1\\.\\d+\\] +slower +forks 3/3")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("glibc +small-churn +replay .* 1\\.000 \\[0\\.9\\d+, 1\\.0\\d+\\] +no difference .*")), out);
        assertTrue(out.contains("Only in B:\n  mimalloc x small-churn\n"), out);
        assertTrue(out.contains("Not compared:\n  jemalloc x small-churn (A: not-run: libjemalloc2 not installed; B: no samples)\n"), out);
        String markdown = Files.readString(md);
        assertTrue(markdown.startsWith("## allocbench compare\n"), markdown);
        assertTrue(markdown.contains("| aset-native | small-churn | replay | 20.00 | 25.00 | 1.250 | ["), markdown);
        assertTrue(markdown.contains("| **slower** |"), markdown);
    }

    @Test
    void unreadableRunsAreNamed(@TempDir Path dir) throws Exception {
        Path a = write(dir, "a", 1.0);
        Path missing = dir.resolve("nope");
        CliRun r = run("compare", a.toString(), missing.toString());
        assertEquals(2, r.exit());
        assertEquals("allocbench compare: RUN_B " + missing + ": no readable results.json there (a run directory of"
                + " allocbench run, or its results.json)\n", r.err());

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("results.json"), "{ not json");
        CliRun r2 = run("compare", broken.toString(), a.toString());
        assertEquals(2, r2.exit());
        assertTrue(r2.err().startsWith("allocbench compare: RUN_A " + broken.resolve("results.json")
                + ": not a valid results file: "), r2.err());

        CliRun r3 = run("compare", a.toString(), a.toString(), "--confidence", "1.5");
        assertEquals(2, r3.exit());
        assertTrue(r3.err().contains("confidence must be between 0 and 1"), r3.err());
        assertEquals(2, run("compare", a.toString()).exit());
    }
}
