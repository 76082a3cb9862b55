package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.allocbench.ChildJvm;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) in the middle of a run: the cells of the lanes that finished are kept, the run says
 * "interrupted", and no lane process is left running.
 */
class RunInterruptTest {

    @Test
    void sigintKeepsTheFinishedCells(@TempDir Path base) throws Exception {
        Process child = ChildJvm.start(builder -> builder.redirectErrorStream(true)
                .redirectOutput(base.resolve("log").toFile()), "run", "--allocators", "aset-native,aset-java",
                "--traces", "small-churn,per-tuple-reset,logrand,sort-tuples,array-agg,large-chunks", "--ops", "100000",
                "--warmup", "0", "--rounds", "400", "--no-postgres", "--out", base.toString(), "--progress", "plain");
        Path results = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try (var runs = Files.list(base)) {
                results = runs.filter(Files::isDirectory).map(d -> d.resolve("results.json")).findFirst().orElse(null);
            }
            if (results != null && Files.exists(results)
                    && ResultsStore.read(results).cells().stream().anyMatch(c -> Cell.OK.equals(c.status()))) {
                break; // one lane process has finished all its traces
            }
            assertTrue(child.isAlive(), "the run ended before it could be interrupted: "
                    + Files.readString(base.resolve("log")));
            Thread.sleep(100);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the run did not stop on SIGINT");
        String log = Files.readString(base.resolve("log"), StandardCharsets.UTF_8);
        assertEquals(130, child.exitValue(), log);
        RunResults r = ResultsStore.read(results);
        assertEquals(RunInfo.INTERRUPTED, r.run().status());
        assertTrue(r.run().finished() != null);
        List<Cell> ok = r.cells().stream().filter(c -> Cell.OK.equals(c.status())).toList();
        assertTrue(ok.size() >= 6 && ok.size() < 24, r.cells().toString()); // a lane's six traces, not every lane's
        assertTrue(ok.stream().allMatch(c -> c.samples().size() == 400), ok.toString());
        assertTrue(r.cells().stream().allMatch(c -> Cell.OK.equals(c.status()) || Cell.NOT_RUN.equals(c.status())),
                r.cells().toString());
        assertTrue(log.contains("interrupted: " + r.cells().size() + " finished cells kept in "), log);
        // the lane process that was running sees its standard input close and halts
        long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (child.descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline2) {
            Thread.sleep(100);
        }
        assertTrue(child.descendants().noneMatch(ProcessHandle::isAlive), "a lane process outlived the run");
    }
}
