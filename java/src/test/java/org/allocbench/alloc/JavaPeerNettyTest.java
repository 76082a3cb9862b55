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

/**
 * Netty's pooled allocator behind handles: misuse caught by the checked view (the raw instance checks
 * nothing), resize, reset, statistics of the thread's Netty allocator.
 */
class JavaPeerNettyTest {

    /** Netty's defaults: page 8 KiB, maxOrder 9, so a chunk is 8192 << 9 = 4 MiB. */
    private static final long CHUNK = 4L << 20;

    private static void assertNotLive(Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains("is not a live allocation of netty-pooled"), e.getMessage());
    }

    @Test
    void doubleFreeIsRefusedByTheCheckedView() {
        try (NettyPooledAllocator raw = new NettyPooledAllocator()) {
            Allocator allocator = raw.checked();
            long handle = allocator.alloc(100);
            allocator.free(handle);
            assertNotLive(() -> allocator.free(handle));
            assertNotLive(() -> allocator.address(handle));
            assertNotLive(() -> allocator.resize(handle, 100, 200));
            long reused = allocator.alloc(100);
            assertEquals((int) handle, (int) reused, "the slot is reused");
            allocator.free(reused);
            assertEquals(0, raw.liveCount());
        }
    }

    @Test
    void foreignHandlesAreRefusedByTheCheckedView() {
        try (NettyPooledAllocator raw = new NettyPooledAllocator();
                NettyPooledAllocator other = new NettyPooledAllocator();
                ConfinedArenaAllocator arena = new ConfinedArenaAllocator()) {
            Allocator allocator = raw.checked();
            long mine = allocator.alloc(64);
            long theirs = other.alloc(64); // same slot 0, another instance's tag
            assertEquals((int) mine, (int) theirs);
            assertNotEquals(mine, theirs);
            assertNotLive(() -> allocator.free(theirs));
            assertNotLive(() -> allocator.address(theirs));
            long pointer = arena.alloc(64); // a raw address
            assertNotLive(() -> allocator.free(pointer));
            for (long junk : new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, mine + 1, mine + (1L << 32)}) {
                assertNotLive(() -> allocator.free(junk));
            }
            assertEquals(1, raw.liveCount());
        }
    }

    @Test
    void handlesFromBeforeAResetAreRefusedByTheCheckedView() {
        try (NettyPooledAllocator raw = new NettyPooledAllocator()) {
            Allocator allocator = raw.checked();
            long[] handles = new long[10];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = allocator.alloc(100 * (i + 1));
            }
            assertEquals(10, raw.liveCount());
            allocator.reset(); // Netty has no bulk release: the checked view frees each live buffer
            assertEquals(0, raw.liveCount());
            for (long handle : handles) {
                assertNotLive(() -> allocator.free(handle));
            }
            long fresh = allocator.alloc(100); // slot 0 again
            assertEquals((int) handles[0], (int) fresh);
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

    /**
     * Runs {@code body} on a fresh thread, whose Netty allocator is fresh: a thread's instances share one, so
     * figures of memory held depend on what the thread did before.
     */
    private static void onAFreshThread(Runnable body) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }).join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void statsReportTheMemoryHeldFromTheOs() throws Exception {
        onAFreshThread(JavaPeerNettyTest::statsOnAFreshThread);
    }

    private static void statsOnAFreshThread() {
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
        try (NettyPooledAllocator next = new NettyPooledAllocator()) {
            assertEquals(OptionalLong.of(CHUNK), next.stats().totalBytes(), "the next context reuses the thread's"
                    + " Netty allocator and its chunk");
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
    void freedMemoryIsReusedAndTheSlotTableGrows() throws Exception {
        onAFreshThread(JavaPeerNettyTest::reuse);
    }

    private static void reuse() {
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
