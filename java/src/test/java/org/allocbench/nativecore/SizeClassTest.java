package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Power-of-two size classes and the chunk limit, at every boundary. */
class SizeClassTest {

    @ParameterizedTest(name = "size {0} -> freelist {1}")
    @CsvSource({
        "0, 0", "1, 0", "8, 0",
        "9, 1", "16, 1",
        "17, 2", "32, 2",
        "33, 3", "64, 3",
        "65, 4", "128, 4",
        "129, 5", "256, 5",
        "257, 6", "512, 6",
        "513, 7", "1024, 7",
        "1025, 8", "2048, 8",
        "2049, 9", "4096, 9",
        "4097, 10", "8192, 10",
        "8193, -1"
    })
    void sizeClassBoundaries(long size, int expectedIndex) {
        assertEquals(expectedIndex, AllocSetNative.sizeClass(size));
    }

    @ParameterizedTest(name = "size {0} gets capacity {1}")
    @CsvSource({"0, 8", "1, 8", "8, 8", "9, 16", "100, 128", "1024, 1024", "1025, 2048", "8192, 8192"})
    void chunkCapacityIsThePowerOfTwoOfTheClass(long size, long capacity) {
        try (NativeMemoryContext context = NativeMemoryContext.create("Classes")) {
            var segment = context.allocate(size);
            assertEquals(size, segment.byteSize());
            assertEquals(capacity, context.chunkCapacity(segment));
            assertEquals(capacity + 8, context.chunkSpace(segment)); // plus the 8-byte header
        }
    }

    /**
     * Start at 8192, halve while limit + 8 > (maxBlockSize - 40) / 4:
     * 8K: 2038 -> 1024; 16K: 4086 -> 2048; 32K: 8182 -> 4096; 64K: 16374 -> 8192.
     */
    @ParameterizedTest(name = "maxBlockSize {0} -> allocChunkLimit {1}")
    @CsvSource({"8192, 1024", "16384, 2048", "32768, 4096", "65536, 8192", "8388608, 8192"})
    void allocChunkLimitFollowsMaxBlockSize(long maxBlockSize, long limit) {
        try (NativeMemoryContext context = NativeMemoryContext.create("Limit",
                new AllocSetSizes(0, 1024, maxBlockSize))) {
            assertEquals(limit, context.allocChunkLimit());
        }
    }

    @Test
    void requestAboveTheLimitGetsItsOwnBlock() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Small", AllocSetSizes.SMALL)) {
            context.allocate(1024); // at the SMALL limit: a chunk in a block
            long blocksBefore = context.stats().blocks();
            context.allocate(1025); // above: a dedicated block
            assertEquals(blocksBefore + 1, context.stats().blocks());
        }
    }
}
