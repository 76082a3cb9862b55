package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.allocbench.pg.PgInstallation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code allocbench verify-pg --context Generation|Slab} against the real PostgreSQL 15's own contexts of that
 * kind, the counters compared before every op: change-queue (one size, FIFO-ish) is identical in both kinds,
 * small-churn in Generation, and Slab cannot replay small-churn (its sizes vary), which is said, not failed.
 * Skipped where PostgreSQL 15 is not installed.
 */
class VerifyPgKindsIT {

    private static CliRun verify(String kind) {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        return CliRun.run("verify-pg", "--context", kind, "--traces", "change-queue,small-churn", "--ops", "3000",
                "--every", "1");
    }

    /** The row of {@code trace}: its name, the op count, then the verdict. */
    private static boolean row(String out, String trace, String verdict) {
        return Pattern.compile("(?m)^" + Pattern.quote(trace) + " +3,000  " + verdict + "$").matcher(out).find();
    }

    @Test
    void generationIsIdenticalToPostgres15sOnEveryTrace() {
        CliRun r = verify("Generation");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("allocbench verify-pg --context Generation: 2 traces"), r.out());
        assertTrue(row(r.out(), "change-queue", "[\\d,]+ counters identical"), r.out());
        assertTrue(row(r.out(), "small-churn", "[\\d,]+ counters identical"), r.out());
        assertTrue(r.out().contains("Generation: 2 identical, 0 different, 0 not applicable"), r.out());
    }

    @Test
    void slabIsIdenticalOnChangeQueueAndNotApplicableToSmallChurn() {
        CliRun r = verify("Slab");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(row(r.out(), "change-queue", "[\\d,]+ counters identical"), r.out());
        assertTrue(row(r.out(), "small-churn", "not applicable: op \\d+ asks for \\d+ bytes in context 0, whose"
                + " first chunk was \\d+ bytes \\(unexpected alloc chunk size \\d+ \\(expected \\d+\\)\\)"), r.out());
        assertTrue(r.out().contains("Slab: 1 identical, 0 different, 1 not applicable"), r.out());
    }
}
