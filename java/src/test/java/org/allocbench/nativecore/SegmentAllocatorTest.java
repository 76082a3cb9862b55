package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** A context plugs in wherever java.lang.foreign wants a SegmentAllocator. */
class SegmentAllocatorTest {

    @Test
    void segmentAllocatorConveniencesWork() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Allocator")) {
            SegmentAllocator allocator = context;
            MemorySegment text = allocator.allocateFrom("hello, palloc");
            assertEquals("hello, palloc", text.getString(0));
            MemorySegment longs = allocator.allocateFrom(ValueLayout.JAVA_LONG, 1L, 2L, 3L);
            assertArrayEquals(new long[] {1, 2, 3}, longs.toArray(ValueLayout.JAVA_LONG));
            MemorySegment one = allocator.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 42);
            assertEquals(42, one.get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void zeroedAllocationIsZeroEvenWhenReusingADirtyChunk() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Zero")) {
            MemorySegment dirty = context.allocate(100);
            dirty.fill((byte) 0xFF);
            context.free(dirty);
            MemorySegment zeroed = context.allocateZeroed(100);
            assertEquals(dirty.address(), zeroed.address(), "the freelist hands back the same chunk");
            assertArrayEquals(new byte[100], zeroed.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void zeroSizeIsLegalAndTakesAnEightByteChunk() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Zero")) {
            MemorySegment empty = context.allocate(0);
            assertEquals(0, empty.byteSize());
            assertEquals(16, context.chunkSpace(empty));
            Counters.assertCounters(context.stats(), 8192, 1, 7952 - 16, 0, 240 + 16);
        }
    }
}
