package org.allocbench.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every native peer must do: allocate, resize keeping content, zero,
 * free, reset, close, and refuse misuse with an exception, never a crash.
 * A peer that cannot load here is skipped with its reason.
 */
class NativePeerContractTest {

    static Stream<String> peers() {
        return Stream.of("glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc");
    }

    /** The malloc-family peers, whose raw instances detect misuse themselves. */
    static Stream<String> mallocFamily() {
        return Stream.of("glibc", "jemalloc", "mimalloc", "tcmalloc");
    }

    /** A fresh instance of {@code name}, or the test is skipped with the reason it is unavailable. */
    static Allocator create(String name) {
        AllocatorFactory factory = NativePeers.factories().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no native peer named " + name));
        assumeTrue(factory.availability().available(), () -> name + " unavailable: " + factory.availability().reason());
        return factory.create();
    }

    static MemorySegment memory(Allocator allocator, long handle, long size) {
        return MemorySegment.ofAddress(allocator.address(handle)).reinterpret(size);
    }

    static void fill(MemorySegment segment, long n, int seed) {
        for (long i = 0; i < n; i++) {
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

    @ParameterizedTest
    @MethodSource("peers")
    void allocateResizeFreeResetClose(String name) {
        Allocator allocator = create(name);
        assertEquals(name, allocator.name());
        assertFalse(allocator.version().isBlank());
        long a = allocator.alloc(100);
        long b = allocator.alloc(5000);
        long c = allocator.allocZeroed(64);
        assertNotEquals(0, a);
        assertNotEquals(a, b);
        fill(memory(allocator, a, 100), 100, 1);
        fill(memory(allocator, b, 5000), 5000, 2);
        long grown = allocator.resize(a, 100, 20_000);
        assertFilled(memory(allocator, grown, 20_000), 100, 1);
        assertFilled(memory(allocator, b, 5000), 5000, 2);
        allocator.free(c);
        allocator.free(grown);
        allocator.reset();
        long d = allocator.alloc(32); // usable after reset
        fill(memory(allocator, d, 32), 32, 3);
        assertFilled(memory(allocator, d, 32), 32, 3);
        allocator.close();
        allocator.close(); // idempotent
    }

    @ParameterizedTest
    @MethodSource("peers")
    void everyHandleIsUniqueAndNonNullEvenForZeroBytes(String name) {
        try (Allocator allocator = create(name)) {
            Set<Long> handles = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                long zero = allocator.alloc(0);
                long zeroed = allocator.allocZeroed(0);
                assertNotEquals(0, zero);
                assertNotEquals(0, zeroed);
                assertTrue(handles.add(zero), "alloc(0) handed out a live handle twice");
                assertTrue(handles.add(zeroed), "allocZeroed(0) handed out a live handle twice");
            }
            long shrunk = allocator.resize(allocator.alloc(40), 40, 0);
            assertNotEquals(0, shrunk);
            assertThrows(IllegalArgumentException.class, () -> allocator.alloc(-1));
            assertThrows(IllegalArgumentException.class, () -> allocator.allocZeroed(-1));
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void everyBlockHasTheDeclaredAlignment(String name) {
        try (Allocator allocator = create(name)) {
            long alignment = allocator.capabilities().alignment();
            for (long size : new long[] {0, 1, 7, 8, 9, 16, 24, 100, 4096, 1 << 20}) {
                for (int i = 0; i < 50; i++) {
                    long address = allocator.address(allocator.alloc(size));
                    assertEquals(0, address % alignment, "block of " + size + " bytes at 0x" + Long.toHexString(address));
                    if (size > 8) {
                        assertEquals(0, address % 16, "block of " + size + " bytes at 0x" + Long.toHexString(address));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void contentSurvivesResizeUpAndDown(String name) {
        try (Allocator allocator = create(name)) {
            long[] sizes = {24, 100, 5000, 70_000, 300_000, 3 << 20, 200_000, 1000, 40, 9, 1};
            long size = sizes[0];
            long handle = allocator.alloc(size);
            fill(memory(allocator, handle, size), size, 7);
            for (int step = 1; step < sizes.length; step++) {
                long newSize = sizes[step];
                // a neighbour, so a small block cannot always grow in place
                long neighbour = allocator.alloc(size);
                handle = allocator.resize(handle, size, newSize);
                assertFilled(memory(allocator, handle, newSize), Math.min(size, newSize), 7 + step - 1);
                fill(memory(allocator, handle, newSize), newSize, 7 + step); // the whole allocation is writable
                allocator.free(neighbour);
                size = newSize;
            }
            assertFilled(memory(allocator, handle, size), size, 7 + sizes.length - 1);
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void zeroedAllocationIsZeroEvenInReusedMemory(String name) {
        try (Allocator allocator = create(name)) {
            long[] sizes = {16, 48, 200, 1000, 4096, 40_000, 300_000};
            for (int round = 0; round < 3; round++) {
                List<Long> dirty = new ArrayList<>();
                for (long size : sizes) {
                    for (int i = 0; i < 20; i++) {
                        long handle = allocator.alloc(size);
                        memory(allocator, handle, size).fill((byte) 0xA5);
                        dirty.add(handle);
                    }
                }
                dirty.forEach(allocator::free);
                for (long size : sizes) {
                    for (int i = 0; i < 20; i++) {
                        assertZero(memory(allocator, allocator.allocZeroed(size), size));
                    }
                }
                // and after a reset, which frees differently (one by one, or the whole heap)
                for (long size : sizes) {
                    memory(allocator, allocator.alloc(size), size).fill((byte) 0x5A);
                }
                allocator.reset();
                for (long size : sizes) {
                    assertZero(memory(allocator, allocator.allocZeroed(size), size));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("mallocFamily")
    void rawMallocFamilyRejectsForeignAndDoubleFrees(String name) {
        try (Allocator allocator = create(name); Allocator other = create(name)) {
            long foreign = other.alloc(64);
            assertThrows(IllegalArgumentException.class, () -> allocator.free(foreign));
            assertThrows(IllegalArgumentException.class, () -> allocator.resize(foreign, 64, 128));
            assertThrows(IllegalArgumentException.class, () -> allocator.free(0x1000));
            assertThrows(IllegalArgumentException.class, () -> allocator.free(0));
            long handle = allocator.alloc(64);
            allocator.free(handle);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> allocator.free(handle));
            assertTrue(twice.getMessage().contains(name), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> allocator.resize(handle, 64, 10));
            long beforeReset = allocator.alloc(64);
            allocator.reset();
            assertThrows(IllegalArgumentException.class, () -> allocator.free(beforeReset));
            other.free(foreign); // untouched by the refused attempts
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void checkedViewRejectsForeignAndDoubleFrees(String name) {
        try (Allocator raw = create(name); Allocator other = create(name)) {
            Allocator allocator = raw.checked();
            long foreign = other.alloc(64);
            assertThrows(IllegalArgumentException.class, () -> allocator.free(foreign));
            assertThrows(IllegalArgumentException.class, () -> allocator.resize(foreign, 64, 128));
            long handle = allocator.alloc(64);
            allocator.free(handle);
            assertThrows(IllegalArgumentException.class, () -> allocator.free(handle));
            long beforeReset = allocator.alloc(64);
            allocator.reset();
            assertThrows(IllegalArgumentException.class, () -> allocator.free(beforeReset));
            long live = allocator.allocZeroed(10);
            assertEquals(live, allocator.address(live));
            allocator.free(live);
            other.free(foreign);
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void useAfterCloseThrowsIllegalState(String name) {
        Allocator allocator = create(name);
        long handle = allocator.alloc(64);
        allocator.close();
        assertThrows(IllegalStateException.class, () -> allocator.alloc(8));
        assertThrows(IllegalStateException.class, () -> allocator.allocZeroed(8));
        assertThrows(IllegalStateException.class, () -> allocator.resize(handle, 64, 128));
        assertThrows(IllegalStateException.class, () -> allocator.free(handle));
        assertThrows(IllegalStateException.class, () -> allocator.address(handle));
        assertThrows(IllegalStateException.class, allocator::reset);
        assertThrows(IllegalStateException.class, allocator::stats);
        assertThrows(IllegalStateException.class, () -> allocator.allocate(16, 8));
    }

    @ParameterizedTest
    @MethodSource("peers")
    void segmentsDieWithTheirGeneration(String name) {
        try (Allocator allocator = create(name)) {
            MemorySegment segment = allocator.allocate(64, 8);
            segment.set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, segment.get(ValueLayout.JAVA_LONG, 0));
            allocator.reset();
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void capabilitiesSayWhatIsNativeAndStatsAreUnknown(String name) {
        try (Allocator allocator = create(name)) {
            Capabilities capabilities = allocator.capabilities();
            assertTrue(capabilities.individualFree());
            assertTrue(capabilities.nativeResize());
            assertEquals(name.equals("mimalloc-heap"), capabilities.bulkReset());
            assertFalse(capabilities.reportsStats());
            assertEquals(name.equals("glibc") ? 16 : 8, capabilities.alignment());
            assertFalse(capabilities.note().isBlank());
            allocator.alloc(100);
            assertEquals(AllocatorStats.UNKNOWN, allocator.stats());
        }
    }
}
