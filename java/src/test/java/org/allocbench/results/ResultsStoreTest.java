package org.allocbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip, atomic replacement cell by cell, and clear errors for what is not a results file. */
class ResultsStoreTest {

    static RunResults sample() {
        RunInfo run = new RunInfo("2026-11-22T05-00-00Z-quick", "quick", RunInfo.RUNNING, "2026-11-22T05:00:00Z", null,
                "allocbench run", "allocbench.jar", "abc", "deadbeef", "0.1.0");
        return RunResults.start(run, Map.of("cpus", 2, "kernel", "6.18"),
                new Settings(1000, 42, 1, 3, 1, 1, "interleaved-rounds"));
    }

    @Test
    void cellsAreWrittenOneByOneAndReadBack(@TempDir Path base) throws Exception {
        Path dir = ResultsStore.newRunDirectory(base, "quick", Instant.parse("2026-11-22T05:00:00Z"));
        assertEquals("2026-11-22T05-00-00Z-quick", dir.getFileName().toString());
        assertEquals("2026-11-22T05-00-00Z-quick-1",
                ResultsStore.newRunDirectory(base, "quick", Instant.parse("2026-11-22T05:00:00Z")).getFileName().toString());
        RunResults r = sample();
        ResultsStore.write(dir, r);
        r = r.withCell(new Cell("aset-native", "small-churn", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null,
                List.of(10.0, 11.0, 12.0), List.of(0, 0, 0), 11.0, 10.0, 12.0, Map.of("totalBytes", 8192L), List.of()));
        ResultsStore.write(dir, r);
        r = r.withCell(Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.NOT_RUN, "libjemalloc2 not installed"));
        ResultsStore.write(dir, r.withRun(r.run().ended(RunInfo.COMPLETE, "2026-11-22T05:01:00Z")));
        assertTrue(Files.notExists(dir.resolve("results.json.tmp")));

        RunResults back = ResultsStore.read(dir);
        assertEquals(RunResults.SCHEMA, back.schema());
        assertEquals(RunInfo.COMPLETE, back.run().status());
        assertEquals(2, back.cells().size());
        assertEquals(List.of(10.0, 11.0, 12.0), back.cell("aset-native", "small-churn", Cell.REPLAY).samples());
        assertEquals("libjemalloc2 not installed", back.cells().get(1).reason());
        assertEquals(2, ((Number) back.environment().get("cpus")).intValue());
    }

    @Test
    void notAResultsFileIsAClearError(@TempDir Path dir) throws Exception {
        var missing = assertThrows(IllegalArgumentException.class, () -> ResultsStore.read(dir));
        assertTrue(missing.getMessage().endsWith("no readable results.json there (a run directory of allocbench run,"
                + " or its results.json)"), missing.getMessage());
        Files.writeString(dir.resolve("results.json"), "{\"schema\": \"other/9\"}");
        var other = assertThrows(IllegalArgumentException.class, () -> ResultsStore.read(dir));
        assertTrue(other.getMessage().contains("schema \"other/9\" is not allocbench-results/1"), other.getMessage());
        Files.writeString(dir.resolve("results.json"), "not json");
        var broken = assertThrows(IllegalArgumentException.class, () -> ResultsStore.read(dir));
        assertTrue(broken.getMessage().contains("not a valid results file"), broken.getMessage());
    }

    @Test
    void traceSourcesRoundTripAndA10RunReadsWithNone(@TempDir Path base) throws Exception {
        Path dir = ResultsStore.newRunDirectory(base, "files", Instant.parse("2026-12-05T05:00:00Z"));
        RunResults r = sample();
        Settings s = r.settings();
        List<TraceSource> sources = List.of(TraceSource.builtin("small-churn"),
                TraceSource.file("mine", "/data/mine.trace.gz", 1234, "ab".repeat(32)));
        ResultsStore.write(dir, RunResults.start(r.run(), r.environment(), new Settings(s.ops(), s.seed(),
                s.warmupRounds(), s.rounds(), s.forks(), s.threads(), s.method(), sources)));
        RunResults back = ResultsStore.read(dir);
        assertEquals(sources, back.settings().traces());
        assertEquals("/data/mine.trace.gz", back.settings().source("mine").path());
        assertTrue(Files.readString(dir.resolve("results.json")).contains("\"sha256\" : \"" + "ab".repeat(32)),
                Files.readString(dir.resolve("results.json")));

        Path old = Files.writeString(base.resolve("old.json"), """
                {"schema": "allocbench-results/1", "run": {"id": "x", "status": "complete"},
                 "settings": {"ops": 10, "seed": 1, "warmupRounds": 0, "rounds": 1, "forks": 1, "threads": 1,
                              "method": "interleaved-forks"},
                 "cells": []}
                """);
        assertEquals(List.of(), ResultsStore.read(old).settings().traces());
    }

    @Test
    void threadsAndProcessesAreDimensionsAndOlderRunsReadAsTheirSettings(@TempDir Path base) throws Exception {
        Path dir = ResultsStore.newRunDirectory(base, "scale", Instant.parse("2026-12-05T06:00:00Z"));
        Cell one = new Cell("glibc-c", "logrand", Cell.WHOLE_TRACE, Cell.NS_PER_OP, Cell.OK, null, List.of(10.0),
                List.of(0), 10.0, null, null, Map.of(), List.of());
        RunResults r = sample().withCell(one).withCell(one.at(4, 1)).withCell(one.at(1, 16));
        ResultsStore.write(dir, r);
        RunResults back = ResultsStore.read(dir);
        assertEquals(List.of(1, 4), back.threadCounts());
        assertEquals(List.of(1, 16), back.processCounts());
        assertEquals(3, back.cells().stream().map(Cell::key).distinct().count(), "three cells, three keys");
        assertEquals(4, back.cell(new CellKey("glibc-c", "logrand", Cell.WHOLE_TRACE, 4, 1)).threads());
        assertEquals(1, back.cell("glibc-c", "logrand", Cell.WHOLE_TRACE).threads(), "the fewest by default");
        assertEquals("glibc-c x logrand (wholetrace, 4 threads)", one.at(4, 1).key().label());
        assertEquals("glibc-c x logrand (16 processes)",
                new CellKey("glibc-c", "logrand", Cell.REPLAY, 1, 16).label());
        assertEquals(1, back.atScale(4, 1).cells().size());

        // schema 1.1 knew threads only from its settings: its cells ran with them
        Path old = Files.writeString(base.resolve("old.json"), """
                {"schema": "allocbench-results/1.1", "run": {"id": "x", "status": "complete"},
                 "settings": {"ops": 10, "seed": 1, "warmupRounds": 0, "rounds": 1, "forks": 1, "threads": 2,
                              "method": "interleaved-forks"},
                 "cells": [{"allocator": "glibc", "trace": "logrand", "metric": "replay", "status": "ok"}]}
                """);
        RunResults older = ResultsStore.read(old);
        assertEquals(2, older.cells().get(0).threads());
        assertEquals(1, older.cells().get(0).processes());
    }
}
