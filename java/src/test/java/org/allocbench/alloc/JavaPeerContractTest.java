package org.allocbench.alloc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every Java peer must do: allocate, resize keeping content, reset, zero, close. */
class JavaPeerContractTest {

    static Stream<String> peers() {
        return Stream.of("jdk-arena", "jdk-slicing", "netty-pooled");
    }

    static Allocator create(String name) {
        return JavaPeers.factories().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().create();
    }

    static MemorySegment memory(Allocator allocator, long handle, long size) {
        return MemorySegment.ofAddress(allocator.address(handle)).reinterpret(size);
    }

    static void fill(MemorySegment segment, int seed) {
        for (long i = 0; i < segment.byteSize(); i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
    }

    static void assertFilled(MemorySegment segment, long n, int seed) {
        for (long i = 0; i < n; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != (byte) (i * 31 + seed)) {
                throw new AssertionError("byte " + i + " of " + n + " lost its content");
            }
        }
    }

    static void assertZero(MemorySegment segment) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != 0) {
                throw new AssertionError("byte " + i + " of " + segment.byteSize() + " is not zero");
            }
        }
    }

    @Test
    void factoriesListTheThreePeersAllAvailable() {
        List<AllocatorFactory> factories = JavaPeers.factories();
        assertEquals(List.of("jdk-arena", "jdk-slicing", "netty-pooled"),
                factories.stream().map(AllocatorFactory::name).toList());
        for (AllocatorFactory factory : factories) {
            assertTrue(factory.availability().available(), factory.name() + ": " + factory.availability().reason());
            try (Allocator allocator = factory.create()) {
                assertEquals(factory.name(), allocator.name());
                assertTrue(!allocator.version().isBlank());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void allocateResizeResetClose(String name) {
        Allocator allocator = create(name);
        long a = allocator.alloc(100);
        long b = allocator.alloc(5000);
        fill(memory(allocator, a, 100), 1);
        fill(memory(allocator, b, 5000), 2);
        long grown = allocator.resize(a, 100, 20_000);
        assertFilled(memory(allocator, grown, 20_000), 100, 1);
        assertFilled(memory(allocator, b, 5000), 5000, 2);
        allocator.reset();
        long c = allocator.alloc(64);
        fill(memory(allocator, c, 64), 3);
        assertFilled(memory(allocator, c, 64), 64, 3);
        allocator.close();
        allocator.close(); // idempotent
    }

    /** Sizes chosen to cross size classes and block boundaries, and Netty's chunk size (4 MiB). */
    @ParameterizedTest
    @MethodSource("peers")
    void contentSurvivesResizeUpAndDown(String name) {
        long[][] steps = {{1, 7}, {7, 100}, {100, 8000}, {8000, 8100}, {8100, 70_000}, {70_000, 5_000_000},
            {5_000_000, 60_000}, {60_000, 50_000}, {50_000, 300}, {300, 0}, {0, 16}};
        try (Allocator allocator = create(name)) {
            for (long[] step : steps) {
                long handle = allocator.alloc(step[0]);
                fill(memory(allocator, handle, step[0]), (int) step[0]);
                long moved = allocator.resize(handle, step[0], step[1]);
                assertFilled(memory(allocator, moved, step[1]), Math.min(step[0], step[1]), (int) step[0]);
                // and the whole new size is writable
                fill(memory(allocator, moved, step[1]), 9);
                assertFilled(memory(allocator, moved, step[1]), step[1], 9);
            }
            // a chain of resizes on one allocation, up and down
            long size = 10;
            long handle = allocator.alloc(size);
            fill(memory(allocator, handle, size), 5);
            for (long next : new long[] {40, 4096, 100_000, 33, 12, 9000, 10}) {
                handle = allocator.resize(handle, size, next);
                assertFilled(memory(allocator, handle, next), Math.min(size, next), 5);
                fill(memory(allocator, handle, next), 5);
                size = next;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void zeroedAllocationsAreZeroAlsoWhenMemoryIsReused(String name) {
        try (Allocator allocator = create(name)) {
            long[] sizes = {1, 16, 100, 1000, 8192, 20_000, 1 << 20};
            for (int round = 0; round < 3; round++) {
                for (long size : sizes) {
                    long handle = allocator.allocZeroed(size);
                    MemorySegment segment = memory(allocator, handle, size);
                    assertZero(segment);
                    fill(segment, 0x55); // dirty it for the next round, after the reset
                }
                allocator.reset();
            }
            if (allocator.capabilities().individualFree()) {
                for (long size : sizes) { // reuse through free, not only through reset
                    long dirty = allocator.alloc(size);
                    fill(memory(allocator, dirty, size), 0x66);
                    allocator.free(dirty);
                    assertZero(memory(allocator, allocator.allocZeroed(size), size));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void sizeZeroGetsDistinctUsableHandles(String name) {
        try (Allocator allocator = create(name)) {
            Set<Long> addresses = new HashSet<>();
            long[] handles = new long[100];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = allocator.alloc(0);
                assertTrue(addresses.add(allocator.address(handles[i])), "address handed out twice");
            }
            for (int i = 0; i < handles.length; i++) {
                long grown = allocator.resize(handles[i], 0, 24);
                fill(memory(allocator, grown, 24), i);
                assertFilled(memory(allocator, grown, 24), 24, i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void negativeSizesAreRefused(String name) {
        try (Allocator allocator = create(name)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.alloc(-1));
            assertTrue(e.getMessage().contains("invalid memory alloc request size -1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> allocator.allocZeroed(-5));
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void everythingThrowsIllegalStateAfterClose(String name) {
        Allocator allocator = create(name);
        long handle = allocator.alloc(32);
        allocator.close();
        for (Runnable use : List.<Runnable>of(() -> allocator.alloc(8), () -> allocator.allocZeroed(8),
                () -> allocator.resize(handle, 32, 64), () -> allocator.free(handle), () -> allocator.address(handle),
                allocator::reset, allocator::stats, () -> allocator.allocate(8, 1))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("closed"), e.getMessage());
        }
        assertDoesNotThrow(allocator::close);
    }

    @ParameterizedTest
    @MethodSource("peers")
    void checkedViewRejectsForeignAndStaleHandles(String name) {
        try (Allocator allocator = create(name).checked()) {
            long handle = allocator.alloc(48);
            fill(memory(allocator, handle, 48), 4);
            long moved = allocator.resize(handle, 48, 4096);
            assertFilled(memory(allocator, moved, 4096), 48, 4);
            if (moved != handle) {
                assertThrows(IllegalArgumentException.class, () -> allocator.address(handle));
            }
            assertThrows(IllegalArgumentException.class, () -> allocator.address(moved + 1));
            allocator.reset();
            assertThrows(IllegalArgumentException.class, () -> allocator.address(moved));
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void servesAsSegmentAllocatorWithinItsAlignment(String name) {
        try (Allocator allocator = create(name)) {
            long alignment = allocator.capabilities().alignment();
            MemorySegment segment = allocator.allocate(256, alignment);
            assertEquals(256, segment.byteSize());
            assertEquals(0, segment.address() % alignment);
            fill(segment, 8);
            assertFilled(segment, 256, 8);
            allocator.reset();
            assertTrue(!segment.scope().isAlive(), "a segment from before a reset must be dead");
            if (alignment < 4096) {
                assertThrows(IllegalArgumentException.class, () -> allocator.allocate(16, 4096));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void manyAllocationsStayDistinctAndIntact(String name) {
        try (Allocator allocator = create(name)) {
            int n = 5000; // beyond Netty's initial slot table (1024) and several slicing blocks
            long[] handles = new long[n];
            for (int i = 0; i < n; i++) {
                handles[i] = allocator.alloc(8 + i % 200);
                fill(memory(allocator, handles[i], 8 + i % 200), i);
            }
            for (int i = 0; i < n; i++) {
                assertFilled(memory(allocator, handles[i], 8 + i % 200), 8 + i % 200, i);
            }
            Set<Long> distinct = new HashSet<>();
            for (long handle : handles) {
                distinct.add(allocator.address(handle));
            }
            assertEquals(n, distinct.size());
            assertNotEquals(0, allocator.address(handles[0]));
        }
    }
}
