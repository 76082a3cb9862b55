package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.allocbench.pg.PgInstallation;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The quick run's whole-trace table: both C layouts always, pg15-real where PostgreSQL 15 is installed. */
class QuickRunWholeTraceTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void wholeTraceLanesFollowThePerOpTable() {
        String out = run("run", "--ops", "20000", "--rounds", "1", "--warmup", "0", "--allocators", "aset-native");
        assertTrue(out.contains("Whole-trace lanes (no FFM call per op"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("aset C +\\d+\\.\\d +1\\.00  liballocbench\\.so .*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("aset-pg15 C +\\d+\\.\\d +\\d+\\.\\d\\d  liballocbench-pg15.*")),
                out);
        if (PgInstallation.unavailableReason() == null) {
            assertTrue(out.lines().anyMatch(l -> l.matches("pg15-real +\\d+\\.\\d +\\d+\\.\\d\\d  PostgreSQL 15\\.\\d+'s own"
                    + " AllocSet, timed in-process in a backend")), out);
        } else {
            assertTrue(out.contains("not run: pg15-real (" + PgInstallation.unavailableReason()), out);
        }
    }

    @Test
    void noPostgresSaysSo() {
        String out = run("run", "--ops", "5000", "--rounds", "1", "--warmup", "0", "--allocators", "aset-native",
                "--no-postgres");
        assertTrue(out.contains("not run: pg15-real (skipped (--no-postgres))"), out);
    }
}
