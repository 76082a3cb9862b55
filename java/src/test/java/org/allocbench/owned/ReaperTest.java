package org.allocbench.owned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real other process claims a directory and a running results.json, then is
 * killed with SIGKILL: its reaper, or a sweep if the reaper was killed too,
 * removes the directory and marks the run killed. Each test has an owners
 * directory of its own, so no sweep here can reach anything else.
 */
class ReaperTest {

    @TempDir
    Path tmp;

    @Test
    void theReaperUndoesWhatAKilledOwnerLeft() throws Exception {
        Path owners = tmp.resolve("owners");
        Path leftover = tmp.resolve("leftover");
        Path results = runningResults(tmp.resolve("run"));
        Process child = startChild(owners, "dir:" + leftover, "run:" + results);
        child.destroyForcibly().waitFor();

        // waits for the reaper at work, if it is still at it; afterwards it is done, by one or the other
        Sweep.run(owners, true);

        assertFalse(Files.exists(leftover), "the claimed directory is gone");
        RunResults after = ResultsStore.read(results);
        assertEquals(RunInfo.KILLED, after.run().status());
        assertEquals(List.of(), OwnerRecords.files(owners), "the record is gone");
    }

    @Test
    void aSweepUndoesWhatOwnerAndReaperKilledTogetherLeft() throws Exception {
        Path owners = tmp.resolve("owners");
        Path leftover = tmp.resolve("leftover");
        Path results = runningResults(tmp.resolve("run"));
        Process child = startChild(owners, "dir:" + leftover, "run:" + results);
        List<ProcessHandle> reapers = child.descendants().toList();
        assertEquals(1, reapers.size(), "one reaper: " + reapers);
        reapers.get(0).destroyForcibly();
        reapers.get(0).onExit().get();
        child.destroyForcibly().waitFor();
        assertTrue(Files.exists(leftover));

        Sweep.Result swept = Sweep.run(owners, false);

        assertFalse(Files.exists(leftover));
        assertEquals(RunInfo.KILLED, ResultsStore.read(results).run().status());
        assertEquals(2, swept.undone().size(), swept.undone().toString());
        // newest first: the run file was claimed after the directory
        assertTrue(swept.undone().get(0).contains("marked " + results + " killed"), swept.undone().toString());
        assertTrue(swept.undone().get(1).contains("removed directory " + leftover), swept.undone().toString());
        assertEquals(List.of(), OwnerRecords.files(owners));
    }

    @Test
    void aSweepLeavesALiveOwnerAlone() throws Exception {
        Path owners = tmp.resolve("owners");
        Path leftover = tmp.resolve("leftover");
        Process child = startChild(owners, "dir:" + leftover);
        try {
            Sweep.Result swept = Sweep.run(owners, true);
            assertEquals(List.of(), swept.undone());
            assertEquals(1, swept.running().size());
            assertTrue(swept.running().get(0).startsWith("pid " + child.pid()), swept.running().toString());
            assertTrue(Files.exists(leftover));
        } finally {
            child.destroyForcibly().waitFor();
            Sweep.run(owners, true);
        }
        assertFalse(Files.exists(leftover));
    }

    /** Starts {@link ClaimingChild} with its own owners directory; returns once it has claimed everything. */
    private static Process startChild(Path owners, String... claims) throws Exception {
        Process p = JvmLauncher.mainClass(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), ClaimingChild.class).start(List.of(claims), b -> {
                    b.redirectError(ProcessBuilder.Redirect.INHERIT);
                    b.environment().put(OwnerRecords.ENV, owners.toString());
                }).process();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(line != null && line.startsWith("ready " + owners), "child said: " + line);
        return p;
    }

    private static Path runningResults(Path dir) throws Exception {
        Files.createDirectories(dir);
        RunResults start = RunResults.start(new RunInfo("r", "quick", RunInfo.RUNNING, "2026-01-01T00:00:00Z", null,
                "allocbench run", null, null, null, null), Map.of(), new Settings(10, 1, 0, 1, 1, 1, "test"));
        ResultsStore.write(dir, start);
        return dir.resolve(ResultsStore.RESULTS_FILE);
    }
}
