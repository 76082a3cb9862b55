package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.alloc.Pg15AllocSetAllocator;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * liballocbench-pg15.so (PostgreSQL 15's 16-byte chunk header and 224-byte
 * context), loaded beside the main library: exact counters by hand, and the
 * same counters from the whole-trace replay and the per-op allocator.
 */
class Pg15VariantTest {

    @Test
    void exampleTraceWithPostgres15Sizes() {
        NativeReplay.Variant pg15 = NativeReplay.variant("pg15");
        // After the reset only "a 0 16" is live: a 16-byte chunk + 16-byte header on the keeper,
        // whose fresh state is 7928 free / 264 used (224-byte context + 40-byte block header).
        assertCounters(pg15.allocSet(NativeReplayTest.EXAMPLE, 3, AllocSetSizes.DEFAULT, 2, false).statsBeforeDelete(),
                8192, 1, 7928 - 32, 0, 264 + 32);
        // Before the reset: chunks of 144 (128 + 16), 48 (32 + 16) and 528 (512 + 16) carved from the keeper,
        // the first two freed onto freelists, and a dedicated block of 9000 + 40 + 16 = 9056 bytes.
        long[] beforeReset = java.util.Arrays.copyOf(NativeReplayTest.EXAMPLE, 5);
        assertCounters(pg15.allocSet(beforeReset, 3, AllocSetSizes.DEFAULT, 1, false).statsBeforeDelete(),
                8192 + 9056, 2, 7928 - 720 + 192, 2, 9056 + 264 + 720 - 192);
    }

    @Test
    void bothLibrariesLiveSideBySide() {
        assertEquals("pg15", AllocSetVariant.load("pg15").layout());
        assertEquals("pg16", AllocSetNative.variant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"small-churn", "per-tuple-reset", "array-agg", "large-chunks"})
    void wholeTraceAndPerOpAgreeAndTheLargerHeaderCostsBytes(String pattern) {
        OpSequence ops = BuiltinPatterns.byName(pattern, 20_000, 42);
        MemoryContextCounters whole = NativeReplay.variant("pg15")
                .allocSet(ops.encoded(), ops.slots(), AllocSetSizes.DEFAULT, 1, false).statsBeforeDelete();
        assertEquals(whole, NativeReplayTest.replayPerOp(new Pg15AllocSetAllocator(AllocSetSizes.DEFAULT), ops), "whole vs per-op");
        MemoryContextCounters pg16 = NativeReplayTest.replayPerOp(new NativeAllocSetAllocator(AllocSetSizes.DEFAULT), ops);
        assertTrue(whole.totalBytes() >= pg16.totalBytes(), "pg15 " + whole + " vs pg16 " + pg16);
    }
}
