package org.allocbench.alloc;

import static org.allocbench.alloc.PeerTesting.assertFilled;
import static org.allocbench.alloc.PeerTesting.create;
import static org.allocbench.alloc.PeerTesting.fill;
import static org.allocbench.alloc.PeerTesting.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.allocbench.alloc.MallocFamilyAllocator.Library;
import org.allocbench.alloc.MallocFamilyAllocator.VersionQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The malloc-family peers: the live set is the context, NULL is an out-of-memory error naming the allocator. */
class NativePeerMallocFamilyTest {

    static java.util.stream.Stream<String> mallocFamily() {
        return PeerTesting.mallocFamily();
    }

    @ParameterizedTest
    @MethodSource("org.allocbench.alloc.PeerTesting#mallocFamily")
    void theCheckedViewRejectsForeignAndDoubleFrees(String name) {
        try (Allocator raw = create(name); Allocator other = create(name)) {
            Allocator allocator = raw.checked();
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
    @MethodSource("org.allocbench.alloc.PeerTesting#nativePeers")
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

    @ParameterizedTest
    @MethodSource("mallocFamily")
    void theRawInstanceHasNoBulkReleaseAndTheCheckedViewFreesWhatIsLive(String name) {
        try (MallocFamilyAllocator allocator = (MallocFamilyAllocator) create(name)) {
            // the replay loop frees what is live on this allocator's behalf: the raw instance tracks nothing
            assertFalse(allocator.capabilities().bulkReset());
            Allocator checked = allocator.checked();
            List<Long> kept = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                long handle = i % 3 == 0 ? checked.allocZeroed(i) : checked.alloc(i * 7L);
                if (i % 5 == 0) {
                    checked.free(handle);
                } else {
                    kept.add(handle);
                }
            }
            long moved = checked.resize(checked.alloc(10), 10, 100_000);
            checked.reset(); // frees every live pointer one by one (valgrind and ASan runs would see a leak)
            for (long stale : List.of(kept.get(0), kept.get(kept.size() - 1), moved)) {
                assertThrows(IllegalArgumentException.class, () -> checked.free(stale));
            }
            checked.alloc(10);
            checked.close();
        }
    }

    @ParameterizedTest
    @MethodSource("mallocFamily")
    void nullFromTheLibraryIsAnOutOfMemoryErrorNamingAllocatorAndSize(String name) {
        try (MallocFamilyAllocator allocator = (MallocFamilyAllocator) create(name)) {
            long huge = 1L << 62;
            OutOfMemoryError error = assertThrows(OutOfMemoryError.class, () -> allocator.alloc(huge));
            assertEquals(name + ": out of memory on request of " + huge + " bytes", error.getMessage());
            assertThrows(OutOfMemoryError.class, () -> allocator.allocZeroed(huge));
            long handle = allocator.alloc(100);
            fill(memory(allocator, handle, 100), 100, 9);
            assertThrows(OutOfMemoryError.class, () -> allocator.resize(handle, 100, huge));
            // realloc failed: the old block is still live and intact
            assertFilled(memory(allocator, handle, 100), 100, 9);
            allocator.free(handle);
        }
    }

    @ParameterizedTest
    @MethodSource("mallocFamily")
    void versionNamesTheLibraryAndItsFile(String name) {
        try (Allocator allocator = create(name)) {
            String version = allocator.version();
            assertTrue(version.startsWith(name + " "), version);
            assertTrue(version.matches(".*\\d+\\.\\d+.*"), "no version number in: " + version);
            assertTrue(version.contains(".so"), "no library file in: " + version);
        }
    }

    /** A description that is not one of the four built-ins takes the generic (instance-handle) path. */
    @Test
    void anyMallocCompatibleLibraryWorksThroughTheGenericPath() {
        Library libc = new Library("libc-by-soname", "libc.so.6", "libc6", "malloc", "calloc", "realloc", "free",
                VersionQuery.GNU_GET_LIBC_VERSION, 16);
        AllocatorFactory factory = NativePeers.factory(libc);
        assertTrue(factory.availability().available(), factory.availability().reason());
        try (MallocFamilyAllocator allocator = (MallocFamilyAllocator) factory.create()) {
            assertEquals("libc-by-soname", allocator.name());
            assertTrue(allocator.version().startsWith("libc-by-soname 2."), allocator.version());
            long handle = allocator.alloc(50);
            fill(memory(allocator, handle, 50), 50, 4);
            handle = allocator.resize(handle, 50, 50_000);
            assertFilled(memory(allocator, handle, 50_000), 50, 4);
            long zeroed = allocator.allocZeroed(300);
            PeerTesting.assertZero(memory(allocator, zeroed, 300));
            allocator.free(zeroed);
            allocator.free(handle);
            Allocator checked = allocator.checked();
            long once = checked.alloc(8);
            checked.free(once);
            assertThrows(IllegalArgumentException.class, () -> checked.free(once));
        }
    }

    @Test
    void aLibraryWithoutTheNamedSymbolIsUnavailableNotBroken() {
        Library wrong = new Library("libc-wrong-symbol", "libc.so.6", "libc6", "no_such_malloc_allocbench", "calloc",
                "realloc", "free", VersionQuery.NONE, 16);
        AllocatorFactory factory = NativePeers.factory(wrong);
        assertTrue(!factory.availability().available());
        assertTrue(factory.availability().reason().contains("no_such_malloc_allocbench"),
                factory.availability().reason());
        IllegalStateException refused = assertThrows(IllegalStateException.class, factory::create);
        assertTrue(refused.getMessage().contains("libc-wrong-symbol is unavailable"), refused.getMessage());
    }
}
