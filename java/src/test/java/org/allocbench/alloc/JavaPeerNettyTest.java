package org.allocbench.alloc;

import static org.allocbench.alloc.PeerTesting.assertFilled;
import static org.allocbench.alloc.PeerTesting.fill;
import static org.allocbench.alloc.PeerTesting.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Netty's pooled allocator behind handles: the slot table's checks, resize, reset, statistics. */
class JavaPeerNettyTest {

    /** Netty's defaults: page 8 KiB, maxOrder 9, so a chunk is 8192 << 9 = 4 MiB. */
    private static final long CHUNK = 4L << 20;

    private static void assertNotLive(Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains("is not a live allocation of netty-pooled"), e.getMessage());
    }

    @Test
    void doubleFreeIsRefused() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            long handle = allocator.alloc(100);
            allocator.free(handle);
            assertNotLive(() -> allocator.free(handle));
            assertNotLive(() -> allocator.address(handle));
            assertNotLive(() -> allocator.resize(handle, 100, 200));
            // the slot is reused with a new stamp: the old handle stays dead
            long reused = allocator.alloc(100);
            assertEquals((int) handle, (int) reused, "same slot");
            assertNotEquals(handle, reused);
            assertNotLive(() -> allocator.free(handle));
            allocator.free(reused);
            assertEquals(0, allocator.liveCount());
        }
    }

    @Test
    void foreignHandlesAreRefused() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator();
                NettyPooledAllocator other = new NettyPooledAllocator();
                ConfinedArenaAllocator arena = new ConfinedArenaAllocator()) {
            long mine = allocator.alloc(64);
            long theirs = other.alloc(64); // same slot 0, different instance tag
            assertEquals((int) mine, (int) theirs);
            assertNotLive(() -> allocator.free(theirs));
            assertNotLive(() -> allocator.address(theirs));
            long pointer = arena.alloc(64); // a raw address
            assertNotLive(() -> allocator.free(pointer));
            for (long junk : new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, mine + 1, mine + (1L << 32)}) {
                assertNotLive(() -> allocator.free(junk));
            }
            // nothing was harmed
            fill(memory(allocator, mine, 64), 3);
            assertFilled(memory(allocator, mine, 64), 64, 3);
            allocator.free(mine);
        }
    }

    @Test
    void handlesFromBeforeAResetAreRefused() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            long[] handles = new long[10];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = allocator.alloc(100 * (i + 1));
            }
            assertEquals(10, allocator.liveCount());
            allocator.reset();
            assertEquals(0, allocator.liveCount());
            for (long handle : handles) {
                assertNotLive(() -> allocator.free(handle));
            }
            long fresh = allocator.alloc(100); // slot 0 again, new stamp
            assertEquals((int) handles[0], (int) fresh);
            assertNotLive(() -> allocator.address(handles[0]));
        }
    }

    @Test
    void resizeKeepsTheHandleAndUpdatesTheAddress() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            long handle = allocator.alloc(100);
            fill(memory(allocator, handle, 100), 7);
            long before = allocator.address(handle);
            // 100 -> 5000 leaves the 112-byte size class: Netty reallocates and copies
            assertEquals(handle, allocator.resize(handle, 100, 5000));
            assertNotEquals(before, allocator.address(handle));
            assertFilled(memory(allocator, handle, 5000), 100, 7);
            // 5000 -> 4000 stays in the 5120 size class: in place
            long inPlace = allocator.address(handle);
            assertEquals(handle, allocator.resize(handle, 5000, 4000));
            assertEquals(inPlace, allocator.address(handle));
            assertFilled(memory(allocator, handle, 4000), 100, 7);
        }
    }

    @Test
    void statsReportTheMemoryHeldFromTheOs() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            assertEquals(AllocatorStats.totalOnly(0), allocator.stats());
            long small = allocator.alloc(100);
            assertEquals(AllocatorStats.totalOnly(CHUNK), allocator.stats(), "one chunk");
            // larger than a chunk: unpooled, exactly its size, returned on free
            long huge = allocator.alloc(20L << 20);
            assertEquals(OptionalLong.of(CHUNK + (20L << 20)), allocator.stats().totalBytes());
            allocator.free(huge);
            assertEquals(OptionalLong.of(CHUNK), allocator.stats().totalBytes());
            allocator.free(small);
            allocator.reset();
            assertEquals(OptionalLong.of(CHUNK), allocator.stats().totalBytes(), "Netty keeps its chunks");
            AllocatorStats stats = allocator.stats();
            assertTrue(stats.usedBytes().isEmpty() && stats.freeBytes().isEmpty() && stats.blocks().isEmpty(),
                    stats.toString());
        }
    }

    @Test
    void capabilitiesAndLimits() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            Capabilities c = allocator.capabilities();
            assertTrue(c.individualFree());
            assertTrue(c.nativeResize());
            assertFalse(c.bulkReset());
            assertTrue(c.reportsStats());
            assertEquals(1, c.alignment());
            assertTrue(allocator.version().startsWith("netty-buffer 4."), allocator.version());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> allocator.alloc(1L << 31));
            assertTrue(e.getMessage().contains("at most 2147483647 bytes"), e.getMessage());
            long handle = allocator.alloc(8);
            assertThrows(IllegalArgumentException.class, () -> allocator.resize(handle, 8, 1L << 31));
            assertEquals(1, allocator.liveCount());
        }
    }

    @Test
    void freedMemoryIsReusedAndTheSlotTableGrows() {
        try (NettyPooledAllocator allocator = new NettyPooledAllocator()) {
            int n = 3000;
            long[] handles = new long[n];
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < n; i++) {
                    handles[i] = allocator.alloc(64);
                    fill(memory(allocator, handles[i], 64), i + round);
                }
                for (int i = 0; i < n; i++) {
                    assertFilled(memory(allocator, handles[i], 64), 64, i + round);
                }
                for (int i = n - 1; i >= 0; i--) {
                    allocator.free(handles[i]);
                }
                assertEquals(0, allocator.liveCount());
            }
            // 3 rounds of 3000 x 64 bytes reuse the same memory: still one chunk
            assertEquals(OptionalLong.of(CHUNK), allocator.stats().totalBytes());
        }
    }

    @Test
    void leakDetectorIsOffForBenchmarks() {
        new NettyPooledAllocator().close();
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
        }
    }

    @Test
    void closeReleasesEverythingAndIsIdempotent() {
        NettyPooledAllocator allocator = new NettyPooledAllocator();
        long handle = allocator.alloc(1000);
        allocator.close();
        assertThrows(IllegalStateException.class, () -> allocator.address(handle));
        assertThrows(IllegalStateException.class, allocator::liveCount);
        allocator.close();
    }
}
