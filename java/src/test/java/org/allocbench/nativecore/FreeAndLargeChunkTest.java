package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** pfree of small chunks (freelists, LIFO reuse) and of large ones (their block goes back). */
class FreeAndLargeChunkTest {

    @Test
    void freedSmallChunkGoesOnItsFreelistAndIsReusedFirst() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Free")) {
            MemorySegment first = context.allocate(100); // class 128: costs 136
            assertCounters(context.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
            context.free(first);
            // the chunk's 136 bytes count as free again, now on a freelist
            assertCounters(context.stats(), 8192, 1, 7952, 1, 240);
            assertEquals(1, context.freelistLength(4));

            MemorySegment again = context.allocate(120); // same class: the freed chunk comes back
            assertEquals(first.address(), again.address());
            assertCounters(context.stats(), 8192, 1, 7952 - 136, 0, 240 + 136);
        }
    }

    @Test
    void largeChunkHasADedicatedBlockThatFreeReturns() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Large")) {
            MemorySegment large = context.allocate(10000);
            // dedicated block: MAXALIGN(10000) + 40 + 8 = 10048, all of it used
            assertCounters(context.stats(), 8192 + 10048, 2, 7952, 0, 240 + 10048);
            assertEquals(8192 + 10048, context.memAllocated(false));

            MemorySegment small = context.allocate(8); // still carved from the keeper (head) block
            assertCounters(context.stats(), 8192 + 10048, 2, 7952 - 16, 0, 240 + 10048 + 16);

            context.free(large);
            assertCounters(context.stats(), 8192, 1, 7952 - 16, 0, 240 + 16);
            assertThrows(IllegalStateException.class, () -> large.get(ValueLayout.JAVA_BYTE, 0),
                    "the segment of a freed large chunk must be dead");
            context.free(small);
            // the 16 bytes of the small chunk are free again, as one chunk on freelist 0
            assertCounters(context.stats(), 8192, 1, 7952, 1, 240);
        }
    }

    @Test
    void oddLargeSizeIsMaxAligned() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Odd")) {
            context.allocate(8193); // MAXALIGN(8193) = 8200; + 48 = 8248
            assertCounters(context.stats(), 8192 + 8248, 2, 7952, 0, 240 + 8248);
        }
    }
}
