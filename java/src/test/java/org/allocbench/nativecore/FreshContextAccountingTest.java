package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A fresh context's numbers, worked out from our struct sizes on LP64: the
 * AllocSet struct is 200 bytes (MAXALIGNed: 200) and a block header 40, the
 * same sizes as PostgreSQL 17's AllocSetContext and AllocBlockData, so the
 * used space of a fresh context is 200 + 40 = 240 bytes exactly as
 * PostgreSQL 17 prints it; there is no difference to explain.
 */
class FreshContextAccountingTest {

    @Test
    void freshDefaultContextMatchesPostgres17() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Fresh")) {
            // keeper block = initBlockSize 8192; free = 8192 - 200 - 40 = 7952
            assertCounters(context.stats(), 8192, 1, 7952, 0, 240);
            assertEquals("Fresh: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used\n"
                    + "Grand total: 8192 bytes in 1 blocks; 7952 free (0 chunks); 240 used\n", context.dump());
            assertEquals(8192, context.memAllocated(false));
        }
    }

    @Test
    void freshSmallAndStartSmallContexts() {
        try (NativeMemoryContext small = NativeMemoryContext.create("Small", AllocSetSizes.SMALL);
                NativeMemoryContext startSmall = NativeMemoryContext.create("StartSmall", AllocSetSizes.START_SMALL)) {
            // keeper = initBlockSize 1024; free = 1024 - 240 = 784
            assertCounters(small.stats(), 1024, 1, 784, 0, 240);
            assertCounters(startSmall.stats(), 1024, 1, 784, 0, 240);
        }
    }

    @Test
    void minContextSizeSizesTheKeeperBlock() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Min",
                new AllocSetSizes(4096, 1024, 8 * 1024 * 1024))) {
            // keeper = minContextSize 4096 instead of initBlockSize; free = 4096 - 240
            assertCounters(context.stats(), 4096, 1, 3856, 0, 240);
        }
    }

    @Test
    void loadedVariantIsThePostgres16Layout() {
        assertEquals("pg16", AllocSetNative.variant());
    }
}
