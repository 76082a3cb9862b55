package org.allocbench.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The two JDK peers: no single free (said clearly), their capabilities, and their statistics. */
class JavaPeerJdkTest {

    @Test
    void arenaFreeIsUnsupportedAndSaysWhy() {
        try (ConfinedArenaAllocator allocator = new ConfinedArenaAllocator()) {
            long handle = allocator.alloc(64);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> allocator.free(handle));
            assertEquals("jdk-arena: Arena.ofConfined cannot free single allocations: frees are skipped, "
                    + "memory stays until reset", e.getMessage());
            // the allocation is untouched by the refused free
            PeerTesting.fill(PeerTesting.memory(allocator, handle, 64), 1);
            PeerTesting.assertFilled(PeerTesting.memory(allocator, handle, 64), 64, 1);
            // the checked view says the same
            Allocator checked = new ConfinedArenaAllocator().checked();
            long other = checked.alloc(8);
            e = assertThrows(UnsupportedOperationException.class, () -> checked.free(other));
            assertTrue(e.getMessage().contains("memory stays until reset"), e.getMessage());
            checked.close();
        }
    }

    @Test
    void slicingFreeIsUnsupportedAndSaysWhy() {
        try (SlicingArenaAllocator allocator = new SlicingArenaAllocator()) {
            long handle = allocator.alloc(64);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> allocator.free(handle));
            assertEquals("jdk-slicing: SegmentAllocator.slicingAllocator cannot free single allocations: "
                    + "frees are skipped, memory stays until reset", e.getMessage());
        }
    }

    @Test
    void capabilitiesSayWhatIsEmulated() {
        for (Allocator allocator : new Allocator[] {new ConfinedArenaAllocator(), new SlicingArenaAllocator()}) {
            try (allocator) {
                Capabilities c = allocator.capabilities();
                assertFalse(c.individualFree());
                assertFalse(c.nativeResize());
                assertTrue(c.bulkReset());
                assertEquals(8, c.alignment());
                assertTrue(c.note().contains("cannot free single allocations: frees are skipped, memory stays until reset"),
                        c.note());
                for (int i = 0; i < 100; i++) {
                    assertEquals(0, allocator.address(allocator.alloc(1 + i * 3)) % 8);
                }
            }
        }
        assertFalse(new ConfinedArenaAllocator().capabilities().reportsStats());
        assertTrue(new SlicingArenaAllocator().capabilities().reportsStats());
    }

    /** The arena cannot say what it holds: only the bytes requested since the last reset are known. */
    @Test
    void arenaStatsCountRequestedBytesOnly() {
        try (ConfinedArenaAllocator allocator = new ConfinedArenaAllocator()) {
            assertEquals(new AllocatorStats(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), OptionalLong.of(0)), allocator.stats());
            long a = allocator.alloc(100);
            allocator.allocZeroed(0);
            allocator.resize(a, 100, 300); // a new allocation of 300; the old 100 stays until reset
            AllocatorStats stats = allocator.stats();
            assertEquals(OptionalLong.of(400), stats.usedBytes());
            assertTrue(stats.totalBytes().isEmpty() && stats.blocks().isEmpty() && stats.freeBytes().isEmpty()
                    && stats.freeChunks().isEmpty(), stats.toString());
            allocator.reset();
            assertEquals(OptionalLong.of(0), allocator.stats().usedBytes());
        }
    }

    @Test
    void slicingFreshAndResetInstancesHoldNothing() {
        try (SlicingArenaAllocator allocator = new SlicingArenaAllocator()) {
            assertEquals(AllocatorStats.of(0, 0, 0, 0, 0), allocator.stats());
            allocator.alloc(10);
            assertEquals(AllocatorStats.of(8192, 1, 0, 8182, 10), allocator.stats());
            allocator.reset();
            assertEquals(AllocatorStats.of(0, 0, 0, 0, 0), allocator.stats());
            allocator.alloc(10); // starts over from an 8 KiB block, not where the doubling had got to
            assertEquals(AllocatorStats.of(8192, 1, 0, 8182, 10), allocator.stats());
        }
    }

    /**
     * The worked example, by hand (blocks: 8 KiB first, doubling; a request larger than the
     * next regular block gets a dedicated block of its size; used counts padding to 8):
     * <pre>
     * alloc 100    -> block 1 (8192) opened, slice at 0..100            total  8192, blocks 1, used   100
     * alloc 9000   -> 8-aligned start 104, 104+9000 > 8192: no fit;
     *                 9000 <= next regular size 16384 -> block 2 (16384), slice at 0..9000;
     *                 block 1's rest (8092) is abandoned               total 24576, blocks 2, used  9100
     * alloc 40000  -> 9000+40000 > 16384: no fit; 40000 > next regular size 32768
     *                 -> dedicated block 3 (40000); block 2 stays current
     *                                                                  total 64576, blocks 3, used 49100
     * alloc 8      -> block 2 at 9000..9008                            used 49108
     * alloc 3      -> block 2 at 9008..9011                            used 49111
     * alloc 5      -> padding 9011..9016, block 2 at 9016..9021         used 100 + 9021 + 40000 = 49121
     * free = total - used = 64576 - 49121 = 15455 = 8092 (block 1's rest) + 7363 (16384 - 9021)
     * alloc 7363   -> would fit the 7363 bytes left in block 2 but for the padding: start 9024,
     *                 9024 + 7363 = 16387 > 16384; 7363 <= 32768 -> block 4 (32768), block 2's rest
     *                 (7363) abandoned                                 total 97344, blocks 4, used 56484
     *                 (used = 100 + 9021 + 40000 + 7363; free = 8092 + 7363 + 25405 = 40860)
     * </pre>
     */
    @Test
    void slicingStatsAreExactForAWorkedExample() {
        try (SlicingArenaAllocator allocator = new SlicingArenaAllocator()) {
            long first = allocator.alloc(100);
            assertEquals(AllocatorStats.of(8192, 1, 0, 8092, 100), allocator.stats());

            long second = allocator.alloc(9000);
            assertEquals(AllocatorStats.of(24576, 2, 0, 15476, 9100), allocator.stats());
            assertTrue(Math.abs(second - first) >= 8192, "9000 bytes cannot come from the first block");

            long dedicated = allocator.alloc(40_000);
            assertEquals(AllocatorStats.of(64576, 3, 0, 15476, 49100), allocator.stats());

            long eight = allocator.alloc(8);
            assertEquals(second + 9000, eight, "block 2 stays current after a dedicated block");
            assertEquals(AllocatorStats.of(64576, 3, 0, 15468, 49108), allocator.stats());
            long three = allocator.alloc(3);
            assertEquals(second + 9008, three);
            long five = allocator.alloc(5);
            assertEquals(second + 9016, five, "aligned to 8");
            assertEquals(AllocatorStats.of(64576, 3, 0, 15455, 49121), allocator.stats());

            allocator.alloc(7363);
            assertEquals(AllocatorStats.of(97344, 4, 0, 40860, 56484), allocator.stats());
            assertTrue(dedicated != 0);
        }
    }

    /**
     * Doubling stops at 8 MiB: 8192-byte requests fill blocks of 8K, 16K, ... 8M exactly
     * (1 + 2 + ... + 1024 = 2047 requests, total 8192 * (2^11 - 1) = 16769024, nothing free);
     * the next request opens another 8 MiB block, not a 16 MiB one.
     */
    @Test
    void slicingBlocksDoubleUpToEightMebibytes() {
        try (SlicingArenaAllocator allocator = new SlicingArenaAllocator()) {
            for (int i = 0; i < 2047; i++) {
                allocator.alloc(8192);
            }
            assertEquals(AllocatorStats.of(16_769_024, 11, 0, 0, 16_769_024), allocator.stats());
            allocator.alloc(8192);
            assertEquals(AllocatorStats.of(16_769_024 + 8_388_608, 12, 0, 8_388_608 - 8192, 16_769_024 + 8192),
                    allocator.stats());
            // a request larger than 8 MiB gets its own block
            allocator.alloc(9_000_000);
            assertEquals(OptionalLong.of(16_769_024 + 8_388_608 + 9_000_000), allocator.stats().totalBytes());
            assertEquals(OptionalLong.of(13), allocator.stats().blocks());
        }
    }

    /** Resize in the slicing allocator is allocate + copy: the old bytes stay used until reset. */
    @Test
    void slicingResizeCountsBothCopies() {
        try (SlicingArenaAllocator allocator = new SlicingArenaAllocator()) {
            long handle = allocator.alloc(100);
            long moved = allocator.resize(handle, 100, 200);
            assertEquals(handle + 104, moved);
            assertEquals(AllocatorStats.of(8192, 1, 0, 8192 - 304, 304), allocator.stats());
        }
    }
}
