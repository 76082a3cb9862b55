package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** repalloc: in place within the power-of-two capacity, moved beyond it, dedicated blocks reallocated. */
class ReallocTest {

    private static void fill(MemorySegment segment, int n) {
        for (int i = 0; i < n; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
        }
    }

    private static void assertFilled(MemorySegment segment, int n) {
        for (int i = 0; i < n; i++) {
            assertEquals((byte) (i * 7), segment.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
    }

    @Test
    void growingOrShrinkingWithinTheCapacityStaysInPlace() {
        try (NativeMemoryContext context = NativeMemoryContext.create("InPlace")) {
            MemorySegment chunk = context.allocate(100); // capacity 128
            fill(chunk, 100);
            MemorySegment grown = context.reallocate(chunk, 128);
            assertEquals(chunk.address(), grown.address());
            assertEquals(128, grown.byteSize());
            MemorySegment shrunk = context.reallocate(grown, 20);
            assertEquals(chunk.address(), shrunk.address());
            assertFilled(shrunk, 20);
            assertCounters(context.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
        }
    }

    @Test
    void growingPastTheCapacityMovesAndFreesTheOldChunk() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Moved")) {
            MemorySegment chunk = context.allocate(100);
            fill(chunk, 100);
            MemorySegment moved = context.reallocate(chunk, 129); // class 256: costs 264
            assertNotEquals(chunk.address(), moved.address());
            assertFilled(moved, 100);
            // 136 + 264 carved; the 136 come back as one free chunk
            assertCounters(context.stats(), 8192, 1, 7952 - 264, 1, 240 + 264);
            assertThrows(IllegalArgumentException.class, () -> context.free(chunk),
                    "the old chunk is no longer live");
        }
    }

    @Test
    void smallChunkOutgrowingTheLimitBecomesLarge() {
        try (NativeMemoryContext context = NativeMemoryContext.create("ToLarge")) {
            MemorySegment chunk = context.allocate(100);
            fill(chunk, 100);
            MemorySegment large = context.reallocate(chunk, 9000); // block 9000 + 48 = 9048
            assertFilled(large, 100);
            assertCounters(context.stats(), 8192 + 9048, 2, 7952, 1, 240 + 9048);
        }
    }

    @Test
    void largeChunkReallocsItsBlockAndStaysDedicatedEvenWhenSmall() {
        try (NativeMemoryContext context = NativeMemoryContext.create("LargeRealloc")) {
            MemorySegment large = context.allocate(10000);
            fill(large, 1000);
            MemorySegment grown = context.reallocate(large, 20000); // block 20048
            assertFilled(grown, 1000);
            assertCounters(context.stats(), 8192 + 20048, 2, 7952, 0, 240 + 20048);
            assertThrows(IllegalStateException.class, () -> large.get(ValueLayout.JAVA_BYTE, 0),
                    "the old segment of a reallocated block must be dead");

            MemorySegment shrunk = context.reallocate(grown, 100); // block MAXALIGN(100) + 48 = 152, still its own
            assertFilled(shrunk, 100);
            assertCounters(context.stats(), 8192 + 152, 2, 7952, 0, 240 + 152);
            context.free(shrunk);
            Counters.assertFreshDefault(context);
        }
    }
}
