package org.allocbench.alloc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.Stream;

/** Shared by the peer tests: making instances (skipping unavailable ones with the reason) and byte patterns. */
final class PeerTesting {

    private PeerTesting() {
    }

    /** The malloc-family peers, whose raw instances track their live pointers. */
    static Stream<String> mallocFamily() {
        return Stream.of("glibc", "jemalloc", "mimalloc", "tcmalloc");
    }

    /** All native peers. */
    static Stream<String> nativePeers() {
        return Stream.of("glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc");
    }

    /**
     * Skips the test, with the reason (which names the Debian package to install), if {@code name} is unavailable.
     * Call it on the test's own thread: JUnit reports the abort as a skip only there; thrown in another thread
     * and passed back, it is a failure.
     */
    static void assumeAvailable(String name) {
        AllocatorFactory factory = Allocators.byName(name);
        assumeTrue(factory.availability().available(), () -> name + " unavailable: " + factory.availability().reason());
    }

    /** A fresh instance of {@code name}, or the test is skipped with the reason it is unavailable. */
    static Allocator create(String name) {
        assumeAvailable(name);
        return Allocators.byName(name).create();
    }

    static MemorySegment memory(Allocator allocator, long handle, long size) {
        return MemorySegment.ofAddress(allocator.address(handle)).reinterpret(size);
    }

    /** Writes the pattern of {@code seed} over the first {@code n} bytes. */
    static void fill(MemorySegment segment, long n, int seed) {
        for (long i = 0; i < n; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
    }

    /** Writes the pattern of {@code seed} over the whole segment. */
    static void fill(MemorySegment segment, int seed) {
        fill(segment, segment.byteSize(), seed);
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
}
