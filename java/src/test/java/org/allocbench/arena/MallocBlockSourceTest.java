package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The malloc block source: what it hands out, keeps, refuses and gives back. */
class MallocBlockSourceTest {

    @Test
    void theKeeperIsZeroedAndBlocksAreKeptTrackOf() {
        MallocBlockSource source = MallocBlockSource.open();
        long keeper = source.alloc(8192);
        assertTrue(keeper != 0 && keeper % 8 == 0);
        long block = source.alloc(100_000);
        OffHeap.setLong(block, 42);
        OffHeap.setLong(block + 99_992, 43);
        assertEquals(2, source.size());
        assertTrue(source.owns(block));
        assertFalse(source.free(block + 8), "not a block of ours: refused, nothing freed");

        long grown = source.realloc(block, 100_000, 4_000_000);
        assertTrue(grown != 0);
        assertEquals(42, OffHeap.getLong(grown), "realloc keeps the contents");
        assertEquals(43, OffHeap.getLong(grown + 99_992));
        assertTrue(source.owns(grown));
        assertEquals(grown == block, source.owns(block), "the old address is ours only if it did not move");
        assertEquals(0, source.realloc(keeper + 16, 8, 16), "a pointer not handed out is not resized");

        assertTrue(source.free(grown));
        assertFalse(source.free(grown), "twice: refused");
        source.freeAll();
        assertEquals(0, source.size());
        assertEquals(0, source.alloc(0), "an overflowed size gets nothing");
    }
}
