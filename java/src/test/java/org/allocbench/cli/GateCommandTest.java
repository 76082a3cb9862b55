package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's option parsing and its usage errors (exit 2); the gate itself runs in GateIT and the validation. */
class GateCommandTest {

    @Test
    void percentages() {
        assertEquals(0.05, GateCommand.parsePercent("5%"), 1e-12);
        assertEquals(0.025, GateCommand.parsePercent(" 2.5 %"), 1e-12);
        assertEquals(0.05, GateCommand.parsePercent("0.05"), 1e-12);
        assertEquals(0.0, GateCommand.parsePercent("0%"), 1e-12);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GateCommand.parsePercent("5")).getMessage()
                .contains("ambiguous"));
        assertThrows(IllegalArgumentException.class, () -> GateCommand.parsePercent("five"));
        assertThrows(IllegalArgumentException.class, () -> GateCommand.parsePercent("-1%"));
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path dir) throws Exception {
        var missing = CliRun.run("gate", "--baseline", dir.resolve("old.jar").toString());
        assertEquals(2, missing.exit());
        assertEquals("allocbench gate: --baseline " + dir.resolve("old.jar") + ": no such file or directory\n", missing.err());

        var forks = CliRun.run("gate", "--baseline", dir.toString(), "--forks", "1");
        assertEquals(2, forks.exit());
        assertTrue(forks.err().contains("--forks must be at least 3"), forks.err());

        var notARun = CliRun.run("gate", "--baseline", dir.toString());
        assertEquals(2, notARun.exit());
        assertTrue(notARun.err().startsWith("allocbench gate: --baseline " + dir.resolve("results.json")
                + ": no readable results.json"), notARun.err());

        Path jar = Files.writeString(dir.resolve("base.jar"), "x");
        var badCandidate = CliRun.run("gate", "--baseline", jar.toString(), "--candidate",
                dir.resolve("cand.jar").toString());
        assertEquals(2, badCandidate.exit());
        assertTrue(badCandidate.err().contains("--candidate " + dir.resolve("cand.jar") + ": no such jar"), badCandidate.err());

        var badPercent = CliRun.run("gate", "--baseline", jar.toString(), "--max-regression", "5");
        assertEquals(2, badPercent.exit());
        assertTrue(badPercent.err().contains("ambiguous"), badPercent.err());
    }

    @Test
    void aChildThatFailsIsAnInfrastructureError(@TempDir Path dir) throws Exception {
        // a "jar" that is not one: the child JVM exits non-zero at once; the gate names the fork and its log
        Path jar = Files.writeString(dir.resolve("base.jar"), "not a jar");
        var r = CliRun.run("gate", "--baseline", jar.toString(), "--candidate", jar.toString(), "--forks", "3",
                "--work", dir.resolve("work").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("allocbench gate: fork A-1 failed (exit 1): "), r.err());
        assertTrue(r.err().contains("last lines of " + dir.resolve("work").resolve("A-1.log")), r.err());
    }
}
