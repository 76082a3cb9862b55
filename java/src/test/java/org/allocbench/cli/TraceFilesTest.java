package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.TraceSource;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trace files where commands name a workload: run (--traces and campaign files) and stats, and bad files. */
class TraceFilesTest {

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Path bad(Path dir) throws Exception {
        return Files.writeString(dir.resolve("broken.trace"), "trace 1\nslots 2\na 0 16\nq 1 2\n");
    }

    private static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void statsOfAFileAreThoseOfTheSameOpsBuiltIn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("churn.trace");
        TraceWriter.write(Pattern.SMALL_CHURN.generate(20_000, 42), file);
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("allocbench stats: aset-native x churn, 20,000 ops"), r.out());
        // the same counters StatsCommandTest has for the built-in small-churn at 20,000 ops, seed 42
        assertTrue(r.out().contains("aset-native: 131072 total in 5 blocks; 31304 free (107 chunks); 99768 used"),
                r.out());
        assertEquals("", r.err());
    }

    @Test
    void opsWithAFileGetsOneNote(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("churn.trace");
        TraceWriter.write(Pattern.SMALL_CHURN.generate(2_000, 1), file);
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", file.toString(), "--ops", "500");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2,000 ops"), r.out());
        assertEquals("allocbench stats: note: --ops applies to built-in traces only; trace files replay their own"
                + " ops (churn)\n", r.err());
    }

    @Test
    void aBadFileFailsStatsWithFileAndLine(@TempDir Path dir) throws Exception {
        Path bad = bad(dir);
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", "small-churn," + bad);
        assertEquals(2, r.exit());
        assertEquals("", r.out(), "nothing replayed before the bad file was found");
        assertTrue(r.err().startsWith("allocbench stats: " + bad + ":4: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aRunOfACampaignFileWithARelativeTraceFileRecordsItsSource(@TempDir Path dir) throws Exception {
        Path traces = Files.createDirectories(dir.resolve("traces"));
        Path file = traces.resolve("mine.trace");
        TraceWriter.write(Pattern.PER_TUPLE_RESET.generate(3_000, 5), file);
        Path campaign = Files.writeString(dir.resolve("tiny.yaml"), """
                allocators: [aset-native]
                traces: [traces/mine.trace, small-churn]
                ops: 2000
                warmup: 0
                rounds: 2
                forks: 1
                wholeTrace: false
                postgres: false
                floors: false
                """);
        Path base = dir.resolve("runs");
        CliRun r = run("run", "--campaign", campaign.toString(), "--out", base.toString(), "--progress", "none",
                "--no-report");
        assertEquals(0, r.exit(), r.out() + r.err());
        List<Path> runs = entries(base);
        assertEquals(1, runs.size());
        RunResults results = ResultsStore.read(runs.getFirst());
        assertEquals(RunInfo.COMPLETE, results.run().status());
        Cell mine = results.cell("aset-native", "mine", Cell.REPLAY);
        assertNotNull(mine, results.cells().toString());
        assertEquals(Cell.OK, mine.status());
        assertEquals(2, mine.samples().size());
        assertEquals(Cell.OK, results.cell("aset-native", "small-churn", Cell.REPLAY).status());
        assertEquals(List.of(TraceSource.file("mine", file.toAbsolutePath().toString(), Files.size(file),
                sha256(file)), TraceSource.builtin("small-churn")), results.settings().traces());
        // the run's campaign.json names the file by its absolute path, so it reads back as the same campaign
        assertTrue(Files.readString(runs.getFirst().resolve("campaign.json")).contains(file.toAbsolutePath().toString()));
        assertTrue(r.out().contains("mine: 3,000 ops"), r.out());
    }

    @Test
    void aBadFileFailsARunBeforeAnythingIsTimed(@TempDir Path dir) throws Exception {
        Path bad = bad(dir);
        Path base = dir.resolve("runs");
        CliRun r = run("run", "--traces", "small-churn," + bad, "--allocators", "aset-native", "--forks", "1",
                "--out", base.toString(), "--progress", "none", "--no-report");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("allocbench run: " + bad + ":4: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(base) && !entries(base).isEmpty(), "no run directory: no lane started");
    }

    @Test
    void aBadFileInACampaignFileNamesBoth(@TempDir Path dir) throws Exception {
        bad(dir);
        Path campaign = Files.writeString(dir.resolve("c.yaml"), "traces: [broken.trace]\n");
        Path base = dir.resolve("runs");
        CliRun r = run("run", "--campaign", campaign.toString(), "--out", base.toString(), "--progress", "none");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("allocbench run: " + campaign + ": traces: " + dir.resolve("broken.trace")
                + ":4: "), r.err());
        assertFalse(Files.exists(base) && !entries(base).isEmpty());
    }

    @Test
    void everyCommandThatNamesTracesRefusesABadFileBeforeItStarts(@TempDir Path dir) throws Exception {
        Path bad = bad(dir);
        Path out = dir.resolve("out");
        List<List<String>> commands = List.of(
                List.of("latency", "--traces", bad.toString(), "--out", out.toString()),
                List.of("memory", "--allocators", "aset-native", "--traces", bad.toString()),
                List.of("limit", "--memory", "64M", "--traces", bad.toString(), "--out", out.toString()),
                List.of("verify-pg", "--traces", bad.toString()));
        for (List<String> args : commands) {
            CliRun r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), args + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("allocbench " + args.getFirst() + ": " + bad + ":4: "), args + ": " + r.err());
            assertEquals(1, r.err().lines().count(), args + ": " + r.err());
            assertFalse(Files.exists(out) && !entries(out).isEmpty(), args + ": nothing written");
        }
    }
}
