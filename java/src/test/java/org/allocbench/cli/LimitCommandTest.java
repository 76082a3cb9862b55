package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.limit.CgroupUnavailableException;
import org.allocbench.limit.MemoryCgroup;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A limit campaign: a killed cell is recorded as killed with its peak, the others still run. */
class LimitCommandTest {

    @Test
    void killedCellsAreRecordedAndTheCampaignGoesOn(@TempDir Path out) throws Exception {
        try (MemoryCgroup probe = MemoryCgroup.create("allocbench-probe-" + ProcessHandle.current().pid(), 1 << 26)) {
            assertNotNull(probe);
        } catch (CgroupUnavailableException e) {
            assumeTrue(false, "no memory cgroup can be made here: " + e.getMessage());
        }
        StringWriter log = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(log, true));
        int exit = cli.execute("limit", "--memory", "8M", "--allocators", "aset-native,glibc", "--traces",
                "malloc-large,small-churn", "--ops", "20000", "--out", out.toString());
        assertEquals(1, exit, log.toString());
        Path runDir;
        try (var runs = Files.list(out)) {
            runDir = runs.findFirst().orElseThrow();
        }
        RunResults results = ResultsStore.read(runDir);
        assertEquals(RunInfo.COMPLETE, results.run().status());
        assertEquals(4, results.cells().size());
        for (String allocator : new String[] {"aset-native", "glibc"}) {
            Cell killed = results.cell(allocator, "malloc-large", LimitCommand.METRIC_RUN);
            assertEquals(LimitCommand.KILLED, killed.status(), killed.toString());
            assertTrue(killed.reason().endsWith("was terminated by signal 9: Killed; OOM kill confirmed by the cgroup"),
                    killed.reason());
            assertTrue(killed.stats().get("peakBytes") > 0);
            assertEquals(Cell.OK, results.cell(allocator, "small-churn", LimitCommand.METRIC_RUN).status());
        }
        assertTrue(log.toString().contains("Failed trial was running: {\"trial\":"), log.toString());
        assertTrue(Files.size(runDir.resolve("journal.jsonl")) > 0);
    }

    @Test
    void javaAllocatorsAndUnknownTracesAreUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("limit", "--memory", "8M", "--allocators", "aset-java"));
        assertTrue(err.toString().startsWith("allocbench limit: allocator \"aset-java\" cannot run in a limit trial"),
                err.toString());
    }
}
