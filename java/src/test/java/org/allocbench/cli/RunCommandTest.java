package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.allocbench.campaign.Exports;
import org.allocbench.pg.PgInstallation;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** allocbench run end to end, on tiny campaigns. */
class RunCommandTest {


    static Path onlyRun(Path base) throws Exception {
        try (Stream<Path> runs = Files.list(base)) {
            List<Path> all = runs.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    /** allocator/metric/status of every cell, sorted (lanes run in a rotating order). */
    static List<String> keys(RunResults r) {
        return r.cells().stream().map(c -> c.allocator() + "/" + c.metric() + "/" + c.status()).sorted().toList();
    }

    @Test
    void aTinyQuickCampaignEndToEnd(@TempDir Path base) throws Exception {
        CliRun r = run("run", "--traces", "small-churn", "--allocators", "aset-native,glibc", "--ops", "20000",
                "--rounds", "2", "--warmup", "1", "--forks", "1", "--out", base.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.out() + r.err());
        Path dir = onlyRun(base);
        assertTrue(dir.getFileName().toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ-quick"), dir.toString());
        RunResults results = ResultsStore.read(dir);
        assertEquals(RunResults.SCHEMA, results.schema());
        assertEquals(RunInfo.COMPLETE, results.run().status());
        assertEquals("allocbench run --traces small-churn --allocators aset-native,glibc --ops 20000 --rounds 2"
                + " --warmup 1 --forks 1 --out " + base + " --progress none", results.run().command());
        boolean pg = PgInstallation.unavailableReason() == null;
        // the per-op lanes of both allocators and the floors, their C lanes and the C floor, real PostgreSQL
        assertEquals(List.of("aset-c/wholetrace/ok", "aset-native/replay/ok", "floor-c/wholetrace-floor/ok",
                "floor/floor/ok", "glibc-c/wholetrace/ok", "glibc/replay/ok", "noop-downcall/floor/ok",
                "pg15-real/wholetrace/" + (pg ? "ok" : "not-run")), keys(results));
        Cell aset = results.cell("aset-native", "small-churn", Cell.REPLAY);
        assertEquals(2, aset.samples().size());
        assertEquals(List.of(0, 0), aset.sampleForks());
        assertTrue(aset.ciLow() <= aset.median() && aset.median() <= aset.ciHigh(), aset.toString());
        assertEquals(131072L, aset.stats().get("totalBytes"));
        assertEquals(99768L, aset.stats().get("usedBytes"));
        // the same counters in C, beside the C runner's own memory (its RSS before, after and at its peak)
        Map<String, Long> c = new java.util.HashMap<>(results.cell("aset-c", "small-churn", "wholetrace").stats());
        assertTrue(c.remove("peakRssBytes") >= c.remove("baseRssBytes") && c.remove("rssBytes") > 0, c.toString());
        assertEquals(aset.stats(), c);
        assertEquals(2, aset.minorFaults().size(), "one fault count per sample");
        assertEquals(2, results.cell("glibc-c", "small-churn", "wholetrace").minorFaults().size());
        assertEquals(20000, results.settings().ops());
        assertEquals("interleaved-forks", results.settings().method());
        assertTrue(results.environment().containsKey("kernel"));
        assertTrue(((java.util.Map<?, ?>) results.environment().get("allocatorNotes")).containsKey("glibc"));
        for (String f : Exports.FORMATS) {
            assertEquals(Exports.export(results, f), Files.readString(dir.resolve("exports").resolve(f + ".json")));
        }
        assertTrue(Files.exists(dir.resolve("campaign.json")));
        // one per-op latency replay per cell, for the report's percentile curves
        assertEquals(List.of("hlog/aset-native__small-churn.hlog"), aset.files());
        assertEquals(1, org.allocbench.measure.HlogFiles.read(dir.resolve(aset.files().get(0))).size());
        assertEquals(20000, org.allocbench.measure.HlogFiles.read(dir.resolve(aset.files().get(0))).get(0)
                .getTotalCount());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<h2 id=\"latency\">Latency percentiles</h2>"));

        String out = r.out();
        assertTrue(out.startsWith("allocbench run: campaign quick, 2 allocators x 1 traces; 1 fork: every lane in a"
                + " process of its own per fork, lanes in a rotating order; 1 warm-up + 2 measured iterations of each"
                + " trace per process; seed 42; JVM "), out);
        assertTrue(out.contains("small-churn: 20,000 ops (10,503 alloc, 9,497 free, 0 realloc, 0 reset)\n"), out);
        assertTrue(out.contains("  whole trace in C, no FFM call per op, each allocator in a process of its own\n"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches(" +\\d=? +aset-c +\\d+\\.\\d +\\d+\\.\\d\\.\\.\\d+\\.\\d~ +1\\.00 +\\d+")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.matches(" +floor-c +\\d+\\.\\d .*\\(floor: the C loop, no allocator\\)")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches(
                " +\\d=? +aset-native +\\d+\\.\\d +\\d+\\.\\d\\.\\.\\d+\\.\\d~ +1\\.00 +[+-]\\d+\\.\\d +\\d+")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches(" +\\d=? +glibc \\* +\\d+\\.\\d .*\\]~ .*")), out);
        assertTrue(out.contains("* glibc: no bulk release: the replay frees each live chunk on reset and at the end"), out);
        assertTrue(out.contains("small-churn:\n  aset-native: 131072 total in 5 blocks; 31304 free (107 chunks); 99768"
                + " used\n  Grand total: 131072 bytes in 5 blocks; 31304 free (107 chunks); 99768 used\n"), out);
        assertTrue(out.contains("Run directory: " + dir + " (results.json, exports/, report.html; "), out);
        assertTrue(Files.exists(dir.resolve("report.html")));
    }

    @Test
    void theGatePresetAndNoPostgres(@TempDir Path base) throws Exception {
        CliRun r = run("run", "--campaign", "gate", "--ops", "5000", "--rounds", "1", "--warmup", "0", "--out",
                base.toString(), "--progress", "none", "--traces", "small-churn");
        assertEquals(0, r.exit(), r.err());
        RunResults results = ResultsStore.read(onlyRun(base));
        assertEquals(List.of("aset-java/replay/ok", "aset-native/replay/ok", "aset-pg15/replay/ok", "floor/floor/ok",
                "glibc/replay/ok", "noop-downcall/floor/ok"), keys(results));
        assertEquals("gate", results.run().campaign());

        Path base2 = base.resolve("second");
        r = run("run", "--allocators", "aset-native", "--traces", "logrand", "--ops", "3000", "--rounds", "1",
                "--warmup", "0", "--no-postgres", "--out", base2.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        Cell pg = ResultsStore.read(onlyRun(base2)).cell("pg15-real", "logrand", "wholetrace");
        assertEquals(Cell.NOT_RUN, pg.status());
        assertEquals("skipped (--no-postgres)", pg.reason());
    }

    @Test
    void clearErrors(@TempDir Path base) {
        CliRun r = run("run", "--allocators", "aset-native,ptmalloc", "--out", base.toString());
        assertEquals(2, r.exit());
        assertEquals("allocbench run: unknown allocator \"ptmalloc\"; known: aset-native, aset-pg15, aset-java, aset-java-zeroing, aset-java-heap, glibc,"
                + " jemalloc, mimalloc, mimalloc-heap, tcmalloc, jdk-arena, jdk-slicing, netty-pooled\n", r.err());
        r = run("run", "--traces", "small-churn,nope", "--out", base.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("allocbench run: unknown trace \"nope\": not a built-in (small-churn, "), r.err());
        assertTrue(r.err().endsWith(") and no such file or directory\n"), r.err());
        r = run("run", "--campaign", "nightly", "--out", base.toString());
        assertEquals(2, r.exit());
        assertEquals("allocbench run: --campaign: no preset or file \"nightly\" (presets: quick, gate, full, scale; the"
                + " checkout's bench-results/campaigns/NAME.yaml by its name, e.g. real; or a .yaml/.json campaign"
                + " file)\n", r.err());
        // a committed campaign by its name, from the checkout this code was built in
        assertTrue(RunCommand.committedCampaign("real").endsWith(Path.of("bench-results", "campaigns", "real.yaml")),
                String.valueOf(RunCommand.committedCampaign("real")));
        Path missing = base.resolve("missing.yaml");
        r = run("run", "--campaign", missing.toString(), "--out", base.toString());
        assertEquals(2, r.exit());
        assertEquals("allocbench run: " + missing + ": cannot read the campaign file (no such readable file)\n", r.err());
        r = run("run", "--campaign", "full", "--rounds", "3", "--out", base.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("allocbench run: --ops, --warmup, --rounds and --forks apply to interleaved"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void campaignFileWithHugePagesAndThreads(@TempDir Path base) throws Exception {
        Path file = Files.writeString(base.resolve("hp.yaml"), """
                allocators: [aset-native]
                traces: [per-tuple-reset]
                ops: 5000
                warmup: 0
                rounds: 2
                forks: 1
                threads: 2
                hugePages: [4k, 1g]
                wholeTrace: false
                floors: false
                """);
        Path out = base.resolve("runs");
        CliRun r = run("run", "--campaign", file.toString(), "--out", out.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        Path dir = onlyRun(out);
        assertTrue(dir.getFileName().toString().endsWith("-hp"), dir.toString());
        RunResults results = ResultsStore.read(dir);
        assertEquals(2, results.settings().threads());
        Cell seg = results.cell("aset-native-segment@4k", "per-tuple-reset", Cell.REPLAY);
        assertEquals(Cell.OK, seg.status(), seg.reason());
        assertEquals(2, seg.samples().size());
        Cell oneGig = results.cell("aset-native-segment@1g", "per-tuple-reset", Cell.REPLAY);
        if (Cell.NOT_RUN.equals(oneGig.status())) {
            assertTrue(oneGig.reason().startsWith("mapping 1g needs "), oneGig.reason());
        }
    }

    @Test
    void forksAreProcessesPerLaneTaggedInTheSamples(@TempDir Path base) throws Exception {
        CliRun r = run("run", "--allocators", "aset-native", "--traces", "small-churn", "--ops", "5000", "--rounds",
                "2", "--warmup", "0", "--forks", "2", "--no-postgres", "--out", base.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        Path dir = onlyRun(base);
        RunResults results = ResultsStore.read(dir);
        Cell aset = results.cell("aset-native", "small-churn", Cell.REPLAY);
        assertEquals(List.of(0, 0, 1, 1), aset.sampleForks());
        assertEquals(4, aset.samples().size());
        assertEquals(List.of(0, 0, 1, 1), results.cell("aset-c", "small-churn", "wholetrace").sampleForks());
        assertEquals(2, results.settings().forks());
    }

    @Test
    void aTinyJmhCampaign(@TempDir Path base) throws Exception {
        Path file = Files.writeString(base.resolve("jmh.json"), """
                {"method": "jmh", "allocators": ["aset-native"], "traces": ["small-churn"], "wholeTrace": false,
                 "floors": false, "jmh": {"forks": 1, "warmupIterations": 0, "iterations": 2, "time": "100ms"}}
                """);
        Path out = base.resolve("runs");
        CliRun r = run("run", "--campaign", file.toString(), "--out", out.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        Path dir = onlyRun(out);
        RunResults results = ResultsStore.read(dir);
        assertEquals("jmh", results.settings().method());
        Cell aset = results.cell("aset-native", "small-churn", Cell.REPLAY);
        assertEquals(Cell.OK, aset.status(), aset.reason());
        assertEquals(List.of(0, 0), aset.sampleForks());
        assertEquals(List.of("jmh/aset-native__small-churn.json", "jmh/aset-native__small-churn.txt"), aset.files());
        assertTrue(Files.readString(dir.resolve("jmh/aset-native__small-churn.json")).contains("\"primaryMetric\""));
        assertEquals(131072L, aset.stats().get("totalBytes"));
        assertEquals(2, aset.minorFaults().size(), "faults per replay, one per JMH iteration");
    }

    /** With several forks each is a JMH run of its own, interleaved across lanes; a pair of files per fork. */
    @Test
    void aJmhCampaignInterleavesItsForks(@TempDir Path base) throws Exception {
        Path file = Files.writeString(base.resolve("jmh.json"), """
                {"method": "jmh", "allocators": ["aset-native", "aset-java"], "traces": ["small-churn"],
                 "wholeTrace": false, "floors": false,
                 "jmh": {"forks": 2, "warmupIterations": 0, "iterations": 1, "time": "100ms"}}
                """);
        Path out = base.resolve("runs");
        CliRun r = run("run", "--campaign", file.toString(), "--out", out.toString(), "--progress", "none");
        assertEquals(0, r.exit(), r.err());
        Path dir = onlyRun(out);
        // aset-java's first fork finished before aset-native's second began: the forks were interleaved
        assertTrue(Files.getLastModifiedTime(dir.resolve("jmh/aset-java__small-churn-fork1.json")).compareTo(
                Files.getLastModifiedTime(dir.resolve("jmh/aset-native__small-churn-fork2.txt"))) < 0);
        Cell java = ResultsStore.read(dir).cell("aset-java", "small-churn", Cell.REPLAY);
        assertEquals(Cell.OK, java.status(), java.reason());
        assertEquals(List.of(0, 1), java.sampleForks());
        assertEquals(List.of("jmh/aset-java__small-churn-fork1.json", "jmh/aset-java__small-churn-fork1.txt",
                "jmh/aset-java__small-churn-fork2.json", "jmh/aset-java__small-churn-fork2.txt"), java.files());
    }
}
