package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code allocbench trace check} and {@code allocbench trace stats}, through the real command line. */
class TraceCommandTest {

    private static final String EXAMPLE = "trace 1\nslots 3\na 0 100\nz 1 24\nr 0 300\nf 1\na 2 9000\nR\na 0 16\n";


    @Test
    void checkReportsEachFile(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.trace"), EXAMPLE, StandardCharsets.US_ASCII);
        CliRun ok = run("trace", "check", good.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(good + ": OK, 7 ops, 3 slots (a 3, z 1, r 1, f 1, R 1 resets)\n", ok.out().replace("\r\n", "\n"));
        assertEquals("", ok.err());

        Path bad = Files.writeString(dir.resolve("bad.trace"), EXAMPLE + "f 1\n", StandardCharsets.US_ASCII);
        Path missing = dir.resolve("missing.trace");
        CliRun mixed = run("trace", "check", bad.toString(), good.toString(), missing.toString());
        assertEquals(1, mixed.exit());
        assertEquals(good + ": OK, 7 ops, 3 slots (a 3, z 1, r 1, f 1, R 1 resets)\n",
                mixed.out().replace("\r\n", "\n"));
        assertEquals(bad + ":10: slot 1 is empty (\"f 1\")\n" + missing + ": cannot read: no such file\n",
                mixed.err().replace("\r\n", "\n"));
    }

    @Test
    void checkNeedsAFile() {
        assertEquals(2, run("trace", "check").exit());
    }

    @Test
    void statsSummarisesATrace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ex.trace"), EXAMPLE, StandardCharsets.US_ASCII);
        CliRun stats = run("trace", "stats", file.toString());
        assertEquals(0, stats.exit(), stats.err());
        assertEquals("""
                trace:                ex (%s)
                ops:                  7 (a 3, z 1, r 1, f 1, R 1)
                slots:                3 declared, 3 used
                sizes (a, z, r):      min 16, p50 100, p90 9,000, p99 9,000, p99.9 9,000, max 9,000, mean 1,888.0
                requested bytes:      9,440 in 5 ops
                peak live slots:      2 (first at op 2)
                peak live requested:  9,300 bytes (first at op 5)
                """.formatted(file), stats.out().replace("\r\n", "\n"));

        Path bad = Files.writeString(dir.resolve("bad.trace"), "trace 1\nslots 0\n", StandardCharsets.US_ASCII);
        CliRun rejected = run("trace", "stats", bad.toString());
        assertEquals(1, rejected.exit());
        assertEquals(bad + ":2: expected \"slots N\" with 1 <= N <= 16777216, found \"slots 0\"\n",
                rejected.err().replace("\r\n", "\n"));
    }

    @Test
    void traceAloneListsItsSubcommands() {
        CliRun usage = run("trace");
        assertEquals(0, usage.exit());
        assertTrue(usage.out().contains("check") && usage.out().contains("stats"), usage.out());
    }
}
