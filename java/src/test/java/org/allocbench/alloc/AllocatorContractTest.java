package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every allocator in the suite must do alike, run against each of them
 * (both AllocSets and every peer): contents survive resizing, zeroed memory is
 * zero, handles are distinct and aligned as declared, reset and close release,
 * misuse is an exception, capability gaps are stated. Allocators missing on
 * this machine are skipped with the reason (which names what to install).
 * Behaviour particular to one allocator is tested next to it.
 */
class AllocatorContractTest {

    static Stream<AllocatorFactory> allocators() {
        return Allocators.all().stream();
    }

    /** A fresh instance, or the test is skipped with the reason the allocator is unavailable. */
    private static Allocator open(AllocatorFactory factory) {
        assumeTrue(factory.availability().available(), () -> factory.name() + ": " + factory.availability().reason());
        return factory.create();
    }

    private static void writePattern(Allocator a, long handle, long size, int seed) {
        MemorySegment memory = a.memory(handle, size);
        for (long i = 0; i < size; i++) {
            memory.set(JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
    }

    /** Where the handle's memory is: its native address, or (on the Java heap) the handle, unique per thread. */
    private static long where(Allocator a, long handle) {
        return a.nativeMemory() ? a.address(handle) : handle;
    }

    private static void assertPattern(Allocator a, long handle, long size, int seed) {
        MemorySegment memory = a.memory(handle, size);
        for (long i = 0; i < size; i++) {
            if (memory.get(JAVA_BYTE, i) != (byte) (i * 31 + seed)) {
                throw new AssertionError(a.name() + ": byte " + i + " of " + size + " changed");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void contentsSurviveResizeUpAndDown(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            for (long size : new long[] {1, 8, 100, 1000, 8192, 20_000}) {
                long handle = a.alloc(size);
                writePattern(a, handle, size, (int) size);
                long grown = a.resize(handle, size, size * 3 + 5);
                assertPattern(a, grown, size, (int) size);
                long shrunk = a.resize(grown, size * 3 + 5, size / 2 + 1);
                assertPattern(a, shrunk, size / 2 + 1, (int) size);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void zeroedMemoryIsZeroEvenWhenReused(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            for (int round = 0; round < 3; round++) {
                long dirty = a.alloc(300);
                writePattern(a, dirty, 300, round);
                if (a.capabilities().individualFree()) {
                    a.free(dirty);
                } else {
                    a.reset();
                }
                long zeroed = a.allocZeroed(300);
                MemorySegment memory = a.memory(zeroed, 300);
                for (int i = 0; i < 300; i++) {
                    assertEquals(0, memory.get(JAVA_BYTE, i), a.name() + ": byte " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void manyAllocationsStayDistinctAndIntact(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            int n = 5000; // beyond initial tables and several blocks
            long[] handles = new long[n];
            for (int i = 0; i < n; i++) {
                handles[i] = a.alloc(8 + i % 200);
                writePattern(a, handles[i], 8 + i % 200, i);
            }
            Set<Long> distinct = new HashSet<>();
            for (int i = 0; i < n; i++) {
                assertPattern(a, handles[i], 8 + i % 200, i);
                distinct.add(where(a, handles[i]));
            }
            assertEquals(n, distinct.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void zeroByteRequestsGetDistinctHandlesAndNegativeOnesAreRefused(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            Set<Long> addresses = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                long zero = a.alloc(0);
                long zeroed = a.allocZeroed(0);
                assertNotEquals(0, where(a, zero));
                assertTrue(addresses.add(where(a, zero)), "alloc(0) handed out live memory twice");
                assertTrue(addresses.add(where(a, zeroed)), "allocZeroed(0) handed out live memory twice");
            }
            assertThrows(IllegalArgumentException.class, () -> a.alloc(-1));
            assertThrows(IllegalArgumentException.class, () -> a.allocZeroed(-1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void everyAllocationHasTheDeclaredAlignment(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            long alignment = a.capabilities().alignment();
            for (long size : new long[] {0, 1, 7, 8, 9, 16, 24, 100, 4096, 1 << 20}) {
                for (int i = 0; i < 20; i++) {
                    long address = where(a, a.alloc(size));
                    assertEquals(0, address % alignment, a.name() + ": " + size + " bytes at 0x" + Long.toHexString(address));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void aFactorySaysWhetherItSkipsFreesWithoutMakingOne(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            assertEquals(!a.capabilities().individualFree(), factory.skipsFrees(), factory.name());
            assertEquals(factory.skipsFrees(), Allocators.skipsFrees(factory.name()), factory.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void replaysBothBuiltinPatternsThroughTheCheckedView(AllocatorFactory factory) {
        for (String pattern : List.of("small-churn", "per-tuple-batches")) {
            OpSequence ops = BuiltinPatterns.byName(pattern, 20_000, 7);
            try (Allocator a = open(factory)) {
                // the checked view rejects any free the loop's live set gets wrong (double, stale, foreign)
                Allocator checked = a.checked();
                ReplayLoop loop = new ReplayLoop(ops);
                loop.replay(checked);
                loop.end(checked);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void resetReleasesEverythingAndStaysUsable(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            Allocator checked = a.checked();
            long handle = checked.alloc(64);
            checked.reset();
            assertThrows(IllegalArgumentException.class, () -> checked.address(handle),
                    "a handle from before the reset is not live");
            long after = checked.alloc(64);
            writePattern(checked, after, 64, 1);
            assertPattern(checked, after, 64, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void checkedViewRejectsForeignDoubleAndStaleHandles(AllocatorFactory factory) {
        try (Allocator raw = open(factory); Allocator other = factory.create()) {
            Allocator a = raw.checked();
            long mine = a.alloc(32);
            long foreign = other.alloc(32);
            assertThrows(IllegalArgumentException.class, () -> a.resize(foreign, 32, 64));
            assertThrows(IllegalArgumentException.class, () -> a.address(foreign));
            if (a.capabilities().individualFree()) {
                assertThrows(IllegalArgumentException.class, () -> a.free(foreign));
                a.free(mine);
                assertThrows(IllegalArgumentException.class, () -> a.free(mine), "double free");
            } else {
                var e = assertThrows(UnsupportedOperationException.class, () -> a.free(mine));
                assertFalse(a.capabilities().note().isEmpty(), "a capability gap must be explained");
                assertTrue(e.getMessage().contains(a.name()), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void everyOperationThrowsIllegalStateAfterClose(AllocatorFactory factory) {
        Allocator a = open(factory);
        long handle = a.alloc(64);
        a.close();
        var closed = assertThrows(IllegalStateException.class, () -> a.alloc(8));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> a.allocZeroed(8));
        assertThrows(IllegalStateException.class, () -> a.resize(handle, 64, 128));
        if (a.capabilities().individualFree()) {
            assertThrows(IllegalStateException.class, () -> a.free(handle));
        }
        assertThrows(IllegalStateException.class, a::reset);
        assertThrows(IllegalStateException.class, a::stats);
        assertThrows(IllegalStateException.class, () -> a.allocate(16, 1));
        a.close(); // idempotent
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void segmentAllocatorBridgeIsScopedToTheGeneration(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            if (!a.nativeMemory()) {
                var refused = assertThrows(UnsupportedOperationException.class, () -> a.allocate(16, 1));
                assertTrue(refused.getMessage().contains("Java arrays"), refused.getMessage());
                return;
            }
            long alignment = a.capabilities().alignment();
            MemorySegment text = a.allocateFrom("bridge");
            assertEquals("bridge", text.getString(0));
            MemorySegment aligned = a.allocate(256, alignment);
            assertEquals(0, aligned.address() % alignment);
            assertThrows(IllegalArgumentException.class, () -> a.allocate(16, 4096));
            a.reset();
            assertThrows(IllegalStateException.class, () -> text.getString(0), "reset kills old segments");
            assertFalse(aligned.scope().isAlive());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void statsAreReportedOrSaidUnknown(AllocatorFactory factory) {
        try (Allocator a = open(factory)) {
            a.alloc(1000);
            AllocatorStats stats = a.stats();
            assertEquals(a.capabilities().reportsStats(), stats.totalBytes().isPresent(), a.name() + ": " + stats);
            if (stats.totalBytes().isPresent() && stats.usedBytes().isPresent()) {
                assertTrue(stats.usedBytes().getAsLong() >= 1000, stats.toString());
            }
            assertEquals(factory.name(), a.name());
            assertFalse(a.version().isBlank());
        }
    }

    @Test
    void everyAllocatorHasAUniqueNameAndUnavailableOnesSayWhy() {
        List<AllocatorFactory> all = Allocators.all();
        assertEquals(List.of("aset-native", "aset-pg15", "aset-java", "aset-java-zeroing", "aset-java-heap", "glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc",
                "jdk-arena", "jdk-slicing", "netty-pooled"), all.stream().map(AllocatorFactory::name).toList());
        for (AllocatorFactory f : all) {
            assertTrue(f.availability().available() || !f.availability().reason().isBlank(), f.name());
        }
        for (String alwaysThere : List.of("aset-native", "aset-java", "jdk-arena", "jdk-slicing", "netty-pooled")) {
            AllocatorFactory f = Allocators.byName(alwaysThere);
            assertTrue(f.availability().available(), alwaysThere + " ships in the jar: " + f.availability().reason());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> Allocators.byName("nonesuch"));
        assertTrue(unknown.getMessage().contains("aset-native"), unknown.getMessage());
    }
}
