package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.pg.PgInstallation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code allocbench verify-pg} against the real PostgreSQL 15; skipped where it is not installed. */
class VerifyPgCommandIT {

    @Test
    void everyPatternIsIdenticalToPostgres15() {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("verify-pg", "--ops", "2000", "--iterations", "1");
        assertEquals(0, exit, out + "\n" + err);
        assertTrue(out.toString().contains("(fresh context)    ours-pg15              8192       1           0"
                + "         7928          264"), out.toString());
        assertTrue(out.toString().contains("15 identical, 0 different"), out.toString()); // the fresh context and 14 patterns
    }

    /**
     * The documentation's version 2 example with its expectation worked out for PostgreSQL 15's layout: the
     * ExecutorState block of 8192 bytes holds the 224-byte context and the 40-byte keeper header, so 7928 are
     * free; the 100-byte chunk took 128 + 16 (header) of them, and its free put those 144 on a freelist:
     * 8192 total, 1 block, 7928 free in 1 chunk. Then the same line with the native (PostgreSQL 16+) figure,
     * 7952, which PostgreSQL 15 cannot have.
     */
    @Test
    void aVersion2TraceIsCheckedContextByContext(@TempDir Path dir) throws IOException {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        String example = """
                trace 2
                slots 4
                contexts 3
                threads 2
                c 1 0 0 8192 8388608 ExecutorState
                u 1
                a 0 100
                c 2 1 0 1024 8192 ExprContext
                u 2
                a 1 40
                t 1
                f 0
                t 0
                R 2
                a 2 64
                e 1 8192 1 1 %d
                d 1
                """;
        Files.writeString(dir.resolve("right.trace"), example.formatted(7928));
        Files.writeString(dir.resolve("wrong.trace"), example.formatted(7952));
        CliRun right = CliRun.run("verify-pg", "--traces", dir.resolve("right.trace").toString(), "--iterations", "1");
        assertEquals(0, right.exit(), right.out() + right.err());
        assertTrue(right.out().contains("3 counters identical         1 counters identical"), right.out());
        CliRun wrong = CliRun.run("verify-pg", "--traces", dir.resolve("wrong.trace").toString(), "--iterations", "1");
        assertEquals(1, wrong.exit(), wrong.out() + wrong.err());
        assertTrue(wrong.out().contains("wrong, aset-pg15 vs the recording: before op 7, context 1 (ExecutorState):"
                + " the recorded backend had 8192 total in 1 blocks; 7952 free (1 chunks); 240 used, the replay has"
                + " 8192 total in 1 blocks; 7928 free (1 chunks); 264 used"), wrong.out());
        assertTrue(wrong.out().contains("version 2: 0 identical, 1 different"), wrong.out());
    }

    /**
     * One directory through {@code --traces}: a version 1 file and {@link VerifyPgTreesTest#TWO_CHILDREN}
     * (two children, one deleted, the parent's reset deleting the other; hand-worked PostgreSQL 15 counters).
     * The version 1 file is checked as the built-ins are, the version 2 one against the backend's replay and
     * its own e lines; then the same tree with one wrong e line: that context and op named, exit 1.
     */
    @Test
    void aDirectoryOfVersion1And2FilesIsCheckedAndAWrongExpectationIsNamed(@TempDir Path dir) throws IOException {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        Path both = Files.createDirectory(dir.resolve("both"));
        Files.writeString(both.resolve("flat.trace"), "trace 1\nslots 2\na 0 100\na 1 5000\nf 0\nr 1 9000\nR\na 0 64\n");
        Files.writeString(both.resolve("two-children.trace"), VerifyPgTreesTest.TWO_CHILDREN.formatted(7928));
        CliRun right = CliRun.run("verify-pg", "--traces", both.toString(), "--iterations", "1");
        assertEquals(0, right.exit(), right.out() + right.err());
        assertTrue(right.out().contains("1 version 1 trace"), right.out());
        // the backend's: ChildB before its d, ChildA before the reset that deletes it, Parent before its d, the root
        assertTrue(right.out().contains("4 counters identical         5 counters identical"), right.out());
        assertTrue(right.out().contains("2 identical, 0 different; version 2: 1 identical, 0 different"), right.out());

        Path wrong = dir.resolve("two-children-wrong.trace");
        Files.writeString(wrong, VerifyPgTreesTest.TWO_CHILDREN.formatted(7952));
        CliRun bad = CliRun.run("verify-pg", "--traces", wrong.toString(), "--iterations", "1");
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.out().contains("two-children-wrong, aset-pg15 vs the recording: before op 8, context 1"
                + " (Parent): the recorded backend had 8192 total in 1 blocks; 7952 free (0 chunks)"), bad.out());
        assertTrue(bad.out().contains("version 2: 0 identical, 1 different"), bad.out());
    }
}
