package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every pattern promises: exactly the requested number of ops, every op
 * valid under the trace format, the same ops for the same seed and other ops
 * for another, a one-line description, a name that finds it again.
 */
class PatternContractTest {

    private static final int[] COUNTS = {0, 1, 2, 3, 10, 777, 10_000};
    private static final long[] SEEDS = {0, 1, 42, -7, 0x5eed_5eed_5eedL};

    /** malloc-large is 5..25 MiB a chunk: keep its counts small, as its other tests do. */
    private static int[] counts(Pattern p) {
        return p == Pattern.MALLOC_LARGE ? new int[] {0, 1, 2, 3, 10, 777, 2_000} : COUNTS;
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void generatesExactlyTheRequestedNumberOfValidOps(Pattern p) {
        for (long seed : SEEDS) {
            for (int n : counts(p)) {
                OpSequence ops = p.generate(n, seed);
                assertEquals(n, ops.length(), p + " seed " + seed);
                assertEquals(p.patternName(), ops.name());
                assertTrue(ops.slots() >= 1 && ops.slots() <= OpSequence.MAX_SLOTS, p + " slots " + ops.slots());
                PatternSimulation.run(ops); // throws at the first invalid op
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void aShorterSequenceIsAPrefixOfALongerOne(Pattern p) {
        long[] longer = p.generate(counts(p)[6], 9).encoded();
        for (int n : new int[] {1, 2, 3, 10, 777}) {
            assertArrayEquals(Arrays.copyOf(longer, n), p.generate(n, 9).encoded(), p + " at " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void sameSeedSameOpsOtherSeedOtherOps(Pattern p) {
        int n = p == Pattern.MALLOC_LARGE ? 200 : 10_000;
        for (long seed : SEEDS) {
            OpSequence a = p.generate(n, seed);
            OpSequence b = p.generate(n, seed);
            assertArrayEquals(a.encoded(), b.encoded(), p + " seed " + seed);
            assertEquals(a.slots(), b.slots());
            assertFalse(Arrays.equals(a.encoded(), p.generate(n, seed + 1).encoded()),
                    p + ": seeds " + seed + " and " + (seed + 1) + " gave the same ops");
        }
    }

    @ParameterizedTest
    @EnumSource(Pattern.class)
    void hasANameAndAOneLineDescription(Pattern p) {
        assertSame(p, Pattern.byName(p.patternName()));
        assertTrue(p.patternName().matches("[a-z0-9]+(-[a-z0-9]+)*"), p.patternName());
        assertFalse(p.description().isBlank(), p + " has no description");
        assertFalse(p.description().contains("\n"), p + ": description is not one line");
        assertTrue(p.description().length() <= 120, p + ": description longer than 120 characters");
        assertEquals(p.patternName(), p.toString());
    }

    @Test
    void everyPatternOfTheIssueIsThere() {
        assertEquals(java.util.List.of("small-churn", "per-tuple-batches", "logrand", "per-tuple-reset", "array-agg",
                "large-chunks", "catcache", "sort-tuples", "fifo", "lifo", "glibc-simple", "alloc-test",
                "malloc-large", "change-queue"), Pattern.names());
    }

    @Test
    void builtinPatternsFindsEveryPatternByName() {
        for (Pattern p : Pattern.values()) {
            assertArrayEquals(p.generate(100, 3).encoded(), BuiltinPatterns.byName(p.patternName(), 100, 3).encoded());
        }
    }

    @Test
    void unknownNamesAndNegativeCountsAreRefused() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> BuiltinPatterns.byName("nonesuch", 10, 1));
        assertTrue(unknown.getMessage().contains("nonesuch"), unknown.getMessage());
        for (String name : Pattern.names()) {
            assertTrue(unknown.getMessage().contains(name), "the message lists " + name + ": " + unknown.getMessage());
        }
        for (Pattern p : Pattern.values()) {
            assertThrows(IllegalArgumentException.class, () -> p.generate(-1, 1), p.patternName());
        }
    }

    /**
     * small-churn and per-tuple-batches are what the committed benchmark
     * figures and the README were measured with: their ops must not change.
     * Hashes of the encoded ops, taken from the generators before they moved
     * into {@link Pattern}.
     */
    @Test
    void theOriginalTwoPatternsAreUnchanged() {
        assertEquals(827343011, Arrays.hashCode(BuiltinPatterns.byName("small-churn", 20_000, 7).encoded()));
        assertEquals(-1699080236, Arrays.hashCode(BuiltinPatterns.byName("small-churn", 100_000, 42).encoded()));
        assertEquals(897557695, Arrays.hashCode(BuiltinPatterns.byName("per-tuple-batches", 20_000, 7).encoded()));
        assertEquals(-731316378, Arrays.hashCode(BuiltinPatterns.byName("per-tuple-batches", 100_000, 42).encoded()));
        assertEquals(2000, BuiltinPatterns.byName("small-churn", 10, 1).slots());
        assertEquals(514, BuiltinPatterns.byName("per-tuple-batches", 10, 1).slots());
    }
}
