package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.api.Test;

/** The malloc block source: what it hands out, keeps and gives back, and that a set's blocks are its mallocs. */
class MallocBlockSourceTest {

    @Test
    void blocksComeFromMallocAndGoBackToFree() {
        MallocBlockSource source = new MallocBlockSource();
        long keeper = source.alloc(8192);
        assertTrue(keeper != 0 && keeper % 8 == 0);
        long block = source.alloc(100_000);
        OffHeap.setLong(block, 42);
        OffHeap.setLong(block + 99_992, 43);
        assertEquals(2, source.size());

        long grown = source.realloc(block, 100_000, 4_000_000);
        assertTrue(grown != 0);
        assertEquals(42, OffHeap.getLong(grown), "realloc keeps the contents");
        assertEquals(43, OffHeap.getLong(grown + 99_992));
        assertEquals(grown, source.realloc(grown, 4_000_000, 4_000_000), "the same size: nothing to do");
        assertEquals(0, source.realloc(grown, 4_000_000, 0), "a zero or overflowed size: nothing, the block stays");
        assertEquals(42, OffHeap.getLong(grown));
        assertEquals(2, source.size(), "a realloc neither adds nor removes a block");

        assertTrue(source.free(grown, 4_000_000));
        assertTrue(source.free(keeper, 8192));
        assertEquals(0, source.size());
        source.freeAll(); // nothing left, nothing to do
        assertEquals(0, source.alloc(0), "an overflowed size gets nothing");
        assertEquals(0, source.alloc(-1));
    }

    /**
     * The source holds exactly the set's blocks, op after op: every block the set counts is one malloc not yet
     * freed, and nothing else is, so glibc sees the calls the C set makes (same sizes: the counters, which the
     * differential test matches against the C set's, are sums of them).
     */
    @Test
    void theSourceHoldsExactlyTheSetsBlocksAfterEveryOp() {
        SplittableRandom random = new SplittableRandom(7);
        try (JavaAllocSet set = new JavaAllocSet("Blocks", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.MALLOC)) {
            BlockSource source = set.blockSource();
            List<Long> live = new ArrayList<>();
            for (int op = 0; op < 5_000; op++) {
                int what = random.nextInt(100);
                if (what < 50 || live.isEmpty()) {
                    // one in four above the chunk limit: dedicated blocks of many sizes
                    long size = random.nextInt(4) == 0 ? 8193 + random.nextInt(200_000) : 1 + random.nextInt(8192);
                    live.add(set.alloc(size));
                } else if (what < 80) {
                    set.free(live.remove(random.nextInt(live.size())));
                } else if (what < 99) {
                    int i = random.nextInt(live.size());
                    live.set(i, set.realloc(live.get(i), 1 + random.nextInt(100_000)));
                } else {
                    set.reset();
                    live.clear();
                }
                assertEquals(set.stats().blocks(), source.size(), "after op " + op);
            }
        }
    }
}
