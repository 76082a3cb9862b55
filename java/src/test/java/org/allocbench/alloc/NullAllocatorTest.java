package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.bench.ReplayBenchmark;
import org.allocbench.bench.SizeClassBenchmark;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/**
 * The harness floor ({@link NullAllocator}): a bump pointer that ignores
 * frees, rewinds on reset, wraps when full, keeps contents across resize,
 * zeroes on request, reuses one buffer per thread, and is registered as the
 * floor (byName, the benchmarks' allocator lists) but not as a peer (all()).
 */
class NullAllocatorTest {

    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    @Test
    void handsOutDistinctSixteenAlignedChunksInOrder() {
        try (Allocator a = new NullAllocator()) {
            Set<Long> seen = new HashSet<>();
            long previous = -1;
            for (long size : new long[] {0, 1, 15, 16, 17, 100, 8192, 1 << 20}) {
                long h = a.alloc(size);
                assertEquals(0, a.address(h) % 16, "size " + size);
                assertTrue(seen.add(h), "size " + size + " reused a live handle");
                assertTrue(h > previous, "a bump pointer only moves up until it wraps");
                previous = h;
            }
        }
    }

    @Test
    void freeIsANoOpButDeclaredSupported() {
        try (Allocator a = new NullAllocator()) {
            assertTrue(a.capabilities().individualFree(), "the replay loop must make the same free calls");
            assertTrue(a.capabilities().note().startsWith("harness floor"), a.capabilities().note());
            long h = a.alloc(64);
            long usedBefore = a.stats().usedBytes().getAsLong();
            assertDoesNotThrow(() -> a.free(h));
            assertEquals(usedBefore, a.stats().usedBytes().getAsLong(), "free gives nothing back");
            assertNotEquals(h, a.alloc(64), "freed memory is not reused before a rewind");
        }
    }

    @Test
    void resizeCopiesTheKeptPrefixUpToTheCopyLimit() {
        try (Allocator a = new NullAllocator()) {
            long h = a.alloc(100);
            for (int i = 0; i < 100; i++) {
                EVERYTHING.set(JAVA_BYTE, a.address(h) + i, (byte) (i * 7));
            }
            long grown = a.resize(h, 100, 5000);
            long shrunk = a.resize(grown, 5000, 40);
            for (int i = 0; i < 40; i++) {
                assertEquals((byte) (i * 7), EVERYTHING.get(JAVA_BYTE, a.address(shrunk) + i), "byte " + i);
            }
        }
        // above the limit nothing is copied: large chunks are realloc'd without copying by real allocators
        try (Allocator a = new NullAllocator(1 << 20)) { // a private buffer: fresh, zeroed memory
            long big = a.alloc(NullAllocator.COPY_LIMIT + 1);
            EVERYTHING.asSlice(big, NullAllocator.COPY_LIMIT + 1).fill((byte) 0x11);
            long moved = a.resize(big, NullAllocator.COPY_LIMIT + 1, 2 * NullAllocator.COPY_LIMIT);
            assertEquals(0, EVERYTHING.get(JAVA_BYTE, moved), "not copied");
        }
    }

    @Test
    void resetRewindsAndZeroedMemoryIsZeroWhenReused() {
        try (Allocator a = new NullAllocator()) {
            long first = a.alloc(256);
            EVERYTHING.asSlice(first, 256).fill((byte) 0x5a);
            a.reset();
            assertEquals(0, a.stats().usedBytes().getAsLong());
            long again = a.allocZeroed(256);
            assertEquals(first, again, "reset rewinds to the start");
            for (int i = 0; i < 256; i++) {
                assertEquals(0, EVERYTHING.get(JAVA_BYTE, again + i), "byte " + i);
            }
        }
    }

    @Test
    void wrapsAroundWhenTheBufferIsExhausted() {
        try (NullAllocator a = new NullAllocator(1024)) {
            long first = a.alloc(400);
            long second = a.alloc(400);
            assertEquals(first + 400, second);
            long wrapped = a.alloc(400);
            assertEquals(first, wrapped, "a request that does not fit starts over at the buffer's start");
            // a resize across the wrap keeps its prefix even when old and new chunks overlap
            long h = a.alloc(400); // at +400
            for (int i = 0; i < 400; i++) {
                EVERYTHING.set(JAVA_BYTE, h + i, (byte) i);
            }
            long moved = a.resize(h, 400, 1000); // does not fit: wraps to the start, overlapping the old chunk
            assertEquals(first, moved);
            for (int i = 0; i < 400; i++) {
                assertEquals((byte) i, EVERYTHING.get(JAVA_BYTE, moved + i), "byte " + i);
            }
            var tooLarge = assertThrows(IllegalArgumentException.class, () -> a.alloc(1025));
            assertTrue(tooLarge.getMessage().contains("larger than"), tooLarge.getMessage());
        }
    }

    @Test
    void rejectsInvalidSizesAndUseAfterClose() {
        Allocator a = new NullAllocator();
        assertThrows(IllegalArgumentException.class, () -> a.alloc(-1));
        assertThrows(IllegalArgumentException.class, () -> a.alloc(NullAllocator.BUFFER_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> a.alloc(OpSequence.MAX_SIZE + 1));
        a.close();
        a.close();
        assertThrows(IllegalStateException.class, () -> a.alloc(8));
        assertThrows(IllegalStateException.class, () -> a.free(8));
    }

    @Test
    void oneBufferPerThreadReusedByLaterInstancesNotSharedByOpenOnes() throws Exception {
        long firstOfOne;
        try (Allocator one = new NullAllocator()) {
            firstOfOne = one.alloc(8);
            try (Allocator two = new NullAllocator()) {
                long firstOfTwo = two.alloc(8);
                assertTrue(Math.abs(firstOfTwo - firstOfOne) >= NullAllocator.BUFFER_SIZE,
                        "an instance opened while another is open gets its own buffer");
            }
        }
        try (Allocator three = new NullAllocator()) {
            assertEquals(firstOfOne, three.alloc(8), "a later instance on the same thread reuses the buffer");
        }
        AtomicLong other = new AtomicLong();
        Thread t = new Thread(() -> {
            try (Allocator a = new NullAllocator()) {
                other.set(a.alloc(8));
            }
        });
        t.start();
        t.join();
        assertNotEquals(firstOfOne, other.get(), "another thread has its own buffer");
    }

    @Test
    void statsDescribeTheBuffer() {
        try (Allocator a = new NullAllocator()) {
            a.alloc(10);
            a.alloc(100);
            AllocatorStats s = a.stats();
            assertEquals(NullAllocator.BUFFER_SIZE, s.totalBytes().getAsLong());
            assertEquals(1, s.blocks().getAsLong());
            assertEquals(16 + 112, s.usedBytes().getAsLong());
            assertEquals(NullAllocator.BUFFER_SIZE - 128, s.freeBytes().getAsLong());
            assertEquals(0, s.freeChunks().getAsLong());
        }
    }

    @Test
    void replaysEveryPattern() {
        // raw, not checked(): after a wrap a new chunk may start where a still "live" one does, by design
        for (String name : Pattern.names()) {
            OpSequence ops = Pattern.byName(name).generate(20_000, 7);
            try (Allocator a = new NullAllocator()) {
                AllocatorReplay.replay(a, ops, new long[ops.slots()], new long[ops.slots()]);
            }
        }
    }

    @Test
    void registeredAsTheHarnessFloorNotAsAPeer() throws Exception {
        List<String> peers = Allocators.all().stream().map(AllocatorFactory::name).toList();
        assertFalse(peers.contains("null"), "the floor is not a peer: contract tests and rankings skip it");
        assertEquals("null", Allocators.harnessFloor().name());
        try (Allocator a = Allocators.byName("null").create()) {
            assertTrue(a instanceof NullAllocator);
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> Allocators.byName("nonesuch"));
        assertTrue(unknown.getMessage().contains("null"), unknown.getMessage());

        List<String> withFloor = new ArrayList<>(List.of("null"));
        withFloor.addAll(peers);
        assertEquals(withFloor, params(ReplayBenchmark.class, "allocator"));
        assertEquals(withFloor, params(SizeClassBenchmark.class, "allocator"));
        List<String> traces = new ArrayList<>(Pattern.names());
        traces.remove(Pattern.MALLOC_LARGE.patternName());
        assertEquals(traces, params(ReplayBenchmark.class, "trace"), "every pattern but malloc-large");
    }

    private static List<String> params(Class<?> benchmark, String field) throws NoSuchFieldException {
        return List.of(benchmark.getField(field).getAnnotation(Param.class).value());
    }
}
