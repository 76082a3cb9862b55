package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.allocbench.pg.PgInstallation;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code allocbench verify-pg} without a server: arguments, and no PostgreSQL to be found. */
class VerifyPgCommandTest {


    @Test
    void withoutPostgresItSaysHowToInstallAndExits2(@TempDir Path empty) {
        String before = System.getProperty(PgInstallation.BINDIR_PROPERTY);
        System.setProperty(PgInstallation.BINDIR_PROPERTY, empty.toString());
        try {
            CliRun r = run("verify-pg", "--ops", "10");
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("PostgreSQL 15 is not installed"), r.err());
            assertTrue(r.err().contains("apt-get install postgresql-15 postgresql-server-dev-15"), r.err());
        } finally {
            if (before == null) {
                System.clearProperty(PgInstallation.BINDIR_PROPERTY);
            } else {
                System.setProperty(PgInstallation.BINDIR_PROPERTY, before);
            }
        }
    }

    @Test
    void badArgumentsExit2() {
        CliRun ours = run("verify-pg", "--ours", "pg99");
        assertEquals(2, ours.exit());
        assertTrue(ours.err().contains("--ours must be pg15 or main, not \"pg99\""), ours.err());
        CliRun pattern = run("verify-pg", "--traces", "nope");
        assertEquals(2, pattern.exit());
        assertTrue(pattern.err().contains("unknown trace \"nope\""), pattern.err());
        assertEquals(2, run("verify-pg", "--ops", "0").exit());
    }

    @Test
    void freshContextTraceIsAllocThenReset() {
        OpSequence fresh = VerifyPgCommand.freshContext();
        assertEquals(2, fresh.length());
        assertEquals(OpSequence.encode(OpSequence.ALLOC, 0, 1), fresh.encoded()[0]);
        assertEquals(OpSequence.encode(OpSequence.RESET, 0, 0), fresh.encoded()[1]);
    }

    /** A bad version 2 file is refused with its file and line before any PostgreSQL is looked for. */
    @Test
    void aBadVersion2FileIsNamedWithItsLineAndExits2(@TempDir Path dir) throws java.io.IOException {
        Path bad = dir.resolve("bad.trace");
        java.nio.file.Files.writeString(bad, "trace 2\nslots 1\ncontexts 2\nthreads 1\nc 1 0 0 8192 8192 A\nd 0\n");
        CliRun r = run("verify-pg", "--traces", bad.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(bad + ":6: "), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
