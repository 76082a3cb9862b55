package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allocbench record} end to end, in process: arguments checked before anything runs, the summary,
 * the command's exit status passed on. (The recordings themselves are RecorderTest's; these commands print
 * nothing and read nothing, since their streams are this JVM's.)
 */
class RecordCommandTest {

    @TempDir
    Path dir;

    @Test
    void recordsTrueAndSummarises() throws Exception {
        Path out = dir.resolve("true.trace");
        CliRun run = CliRun.run("record", "-o", out.toString(), "/bin/true");
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.readString(out).contains("\ntrace 2\nslots 1\n"), Files.readString(out));
        assertTrue(run.err().startsWith("allocbench record: /usr/bin/true (pid ")
                || run.err().startsWith("allocbench record: /bin/true (pid "), run.err());
        for (String line : new String[] {"  trace     " + out + ": ", "  ops       ", "  threads   ", "  live      ",
            "  changed   ", "  dropped   ", "  time      "}) {
            assertTrue(run.err().contains(line), line + " in:\n" + run.err());
        }
        assertTrue(run.err().contains(" s without: "), "a baseline run by default:\n" + run.err());
        assertEquals("", run.out(), "the summary goes to standard error");
    }

    @Test
    void passesOnTheCommandsExitStatusAndStillConverts() throws Exception {
        Path out = dir.resolve("exit3.trace.gz");
        CliRun run = CliRun.run("record", "-o", out.toString(), "--no-baseline", "--", "sh", "-c", "exit 3");
        assertEquals(3, run.exit(), run.err());
        assertTrue(run.err().contains("exited with status 3 (converted all the same)"), run.err());
        assertTrue(run.err().contains("no run without: --no-baseline"), run.err());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void namesAnExecChain() throws Exception {
        CliRun run = CliRun.run("record", "-o", dir.resolve("env.trace").toString(), "--no-baseline",
                "/usr/bin/env", "/bin/true");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("  execs     env -> true: only the last is in the trace"), run.err());
    }

    @Test
    void theCommandsOwnOptionsAreItsOwn() throws Exception {
        // -c after the command's name is sh's, not allocbench's, even without "--"
        Path out = dir.resolve("sh.trace");
        CliRun run = CliRun.run("record", "-o", out.toString(), "--no-baseline", "sh", "-c", "exit 0");
        assertEquals(0, run.exit(), run.err());
    }

    @Test
    void refusesWhatCannotWorkBeforeRunningAnything() {
        CliRun notFound = CliRun.run("record", "-o", dir.resolve("x.trace").toString(), "no-such-command-anywhere");
        assertEquals(2, notFound.exit());
        assertTrue(notFound.err().contains("command not found: no-such-command-anywhere"), notFound.err());

        CliRun notExecutable = CliRun.run("record", "-o", dir.resolve("x.trace").toString(), dir.toString() + "/");
        assertEquals(2, notExecutable.exit());
        assertTrue(notExecutable.err().contains("is a directory"), notExecutable.err());

        CliRun noDirectory = CliRun.run("record", "-o", dir.resolve("missing/x.trace").toString(), "/bin/true");
        assertEquals(2, noDirectory.exit(), noDirectory.err());
        assertTrue(noDirectory.err().contains("missing: no such directory"), noDirectory.err());

        Path aFile = dir.resolve("plain");
        CliRun underAFile = CliRun.run("record", "-o", aFile.resolve("x.trace").toString(), "/bin/true");
        assertEquals(0, CliRun.run("record", "-o", aFile.toString(), "--no-baseline", "/bin/true").exit());
        assertEquals(2, underAFile.exit(), underAFile.err());
        assertTrue(underAFile.err().contains("-o: cannot write"), underAFile.err());

        CliRun noOutput = CliRun.run("record", "/bin/true");
        assertEquals(2, noOutput.exit());
        assertTrue(noOutput.err().contains("--output"), noOutput.err());

        CliRun noCommand = CliRun.run("record", "-o", dir.resolve("y.trace").toString());
        assertEquals(2, noCommand.exit());
        assertFalse(Files.exists(dir.resolve("x.trace")) || Files.exists(dir.resolve("y.trace")),
                "nothing written by a refused command");
    }
}
