package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.allocbench.pg.PgInstallation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
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
        assertTrue(out.toString().contains("14 identical, 0 different"), out.toString());
    }
}
