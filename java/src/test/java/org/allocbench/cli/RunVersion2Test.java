package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.pg.PgInstallation;
import org.allocbench.replay.V2Traces;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} over a version 2 trace file of two threads: the lanes that can
 * replay it have results (aset-java too: over malloc's blocks its contexts
 * serve any thread, one at a time); an allocator whose instances belong to one
 * thread (aset-java-zeroing: confined arenas) and pg15-real are not-run cells whose reason names why, and the run is
 * complete (no failed cell, no missing cell).
 */
class RunVersion2Test {

    @Test
    void aTraceOfTwoThreadsRunsWhereItCanAndIsANamedNotRunElsewhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.trace");
        TraceWriter.write(V2Traces.random(41, 1500, 16, 6, 2, 2000), file);
        Path base = dir.resolve("runs");
        // without --no-postgres: every trace is version 2, so pg15-real starts no cluster either way
        CliRun r = run("run", "--traces", file.toString(), "--allocators", "aset-native,aset-java,aset-java-zeroing", "--forks", "1",
                "--rounds", "2", "--warmup", "0", "--out", base.toString(), "--progress", "none", "--no-report");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("not run: aset-java-zeroing (aset-java-zeroing: its instances belong to the thread"), r.out());
        Path runDir;
        try (Stream<Path> s = Files.list(base)) {
            runDir = s.toList().getFirst();
        }
        RunResults results = ResultsStore.read(runDir);
        assertEquals(RunInfo.COMPLETE, results.run().status());
        for (String ok : List.of("aset-native", "aset-java", "aset-c", "floor-c", "noop-downcall")) {
            Cell c = results.cells().stream().filter(x -> x.allocator().equals(ok)).findFirst().orElse(null);
            assertNotNull(c, ok + ": " + results.cells());
            assertEquals(Cell.OK, c.status(), ok + ": " + c.reason());
        }
        Cell java = results.cell("aset-java-zeroing", "two", Cell.REPLAY);
        assertEquals(Cell.NOT_RUN, java.status());
        assertEquals("aset-java-zeroing: its instances belong to the thread that made them, and a trace of 2 threads replays"
                + " on as many threads (trace two)", java.reason());
        Cell pg = results.cell("pg15-real", "two", Cell.WHOLE_TRACE);
        assertEquals(Cell.NOT_RUN, pg.status());
        if (PgInstallation.unavailableReason() == null) {
            assertEquals("pg15-real: a PostgreSQL backend is one thread; trace two has 2 threads", pg.reason());
        }
        assertTrue(results.cells().stream().noneMatch(c -> Cell.FAILED.equals(c.status())), results.cells().toString());
    }
}
