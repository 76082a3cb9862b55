package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.api.Test;

/** The Java-array block source: addresses, ownership, realloc in place, and what it refuses. */
class HeapBlockSourceTest {

    @Test
    void blocksAreArraysAddressedBySlotAndOffset() {
        HeapBlockSource source = new HeapBlockSource();
        long a = source.alloc(8192);
        long b = source.alloc(100_000);
        assertNotEquals(0, a);
        assertEquals(0, a & ((1L << HeapBlockSource.SLOT_SHIFT) - 1), "a block starts at offset 0 of its slot");
        assertNotEquals(a, b);
        source.setLong(b + 8, 42);
        source.setLong(b + 99_992, 43);
        assertEquals(0, source.getLong(b + 16), "a new array is zero (the VM's doing, paid by this source)");
        source.setByte(b + 17, (byte) 7);
        assertEquals(7, source.segment(b, 100_000).get(ValueLayout.JAVA_BYTE, 17));

        long grown = source.realloc(b, 100_000, 4_000_000);
        assertEquals(b, grown, "realloc keeps the address: the slot gets the new array");
        assertEquals(42, source.getLong(b + 8));
        assertEquals(43, source.getLong(b + 99_992));
        source.setLong(b + 3_999_992, 44); // the new end is there

        source.copy(b + 8, a + 40, 8);
        assertEquals(42, source.getLong(a + 40));
        source.zero(a + 40, 3);
        assertEquals(0, source.getLong(a + 40), "zeroing covers whole words");

        assertEquals(2, source.size());
        assertFalse(source.free(a + 8, 8192), "not a block start: refused");
        assertTrue(source.free(a, 8192));
        assertFalse(source.free(a, 8192), "twice: refused");
        var stale = assertThrows(IllegalArgumentException.class, () -> source.getLong(a));
        assertTrue(stale.getMessage().contains("not an address in a live heap block"), stale.getMessage());
        source.freeAll();
        assertEquals(0, source.size());
        assertEquals(0, source.alloc(0), "an overflowed size gets nothing");
        assertEquals(0, source.alloc(Long.MAX_VALUE), "beyond any Java array: out of memory, not an exception");
    }

    @Test
    void twoSourcesOfOneThreadNeverShareAnAddressOrABlock() {
        HeapBlockSource first = new HeapBlockSource();
        HeapBlockSource second = new HeapBlockSource();
        long a = first.alloc(1024);
        long b = second.alloc(1024);
        assertNotEquals(a, b, "one table per thread: a chunk given to the wrong set is recognised by its owner");
        assertFalse(second.owns(a));
        assertFalse(second.free(a, 1024), "another source's block is not freed");
        assertTrue(first.owns(a));
        first.freeAll();
        assertTrue(second.owns(b), "freeAll frees only the source's own blocks");
        second.freeAll();
    }

    @Test
    void aSetOnTheHeapRefusesAChunkOfAnother() {
        try (JavaAllocSet one = new JavaAllocSet("one", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.HEAP);
                JavaAllocSet two = new JavaAllocSet("two", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.HEAP)) {
            long chunk = one.alloc(100);
            var e = assertThrows(IllegalArgumentException.class, () -> two.free(chunk));
            assertTrue(e.getMessage().contains("not a chunk of memory context \"two\""), e.getMessage());
            long large = one.alloc(100_000);
            assertThrows(IllegalArgumentException.class, () -> two.free(large));
            one.free(large);
            one.free(chunk);
        }
    }
}
