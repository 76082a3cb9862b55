package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertFreshDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reset keeps only the keeper block and kills every segment; delete gives back every byte. */
class ResetAndDeleteTest {

    /** Small and large chunks, frees, reallocs: something of everything. */
    private static void mixedWork(NativeMemoryContext context, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        MemorySegment[] live = new MemorySegment[64];
        for (int i = 0; i < 2000; i++) {
            int slot = random.nextInt(live.length);
            if (live[slot] == null) {
                long size = random.nextInt(10) == 0 ? random.nextLong(8193, 100_000) : random.nextLong(1, 2000);
                live[slot] = context.allocate(size);
            } else if (random.nextBoolean()) {
                context.free(live[slot]);
                live[slot] = null;
            } else {
                live[slot] = context.reallocate(live[slot], random.nextLong(1, 30_000));
            }
        }
    }

    @Test
    void resetReturnsToTheFreshNumbersAndKillsSegmentsAndChildren() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Reset")) {
            mixedWork(context, 1);
            MemorySegment small = context.allocate(100);
            MemorySegment large = context.allocate(50_000);
            NativeMemoryContext child = context.createChild("Child");
            child.allocate(10);

            context.reset();

            assertFreshDefault(context);
            assertEquals(8192, context.memAllocated(true));
            assertFalse(child.isAlive(), "reset deletes children");
            assertTrue(context.children().isEmpty());
            assertThrows(IllegalStateException.class, () -> small.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalStateException.class, () -> large.get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IllegalStateException.class, () -> child.allocate(8));
            assertThrows(IllegalArgumentException.class, () -> context.free(small),
                    "a chunk from before the reset is not live");

            // and the context works on as new
            mixedWork(context, 2);
            context.reset();
            assertFreshDefault(context);
        }
    }

    @Test
    void deleteGivesBackEveryByteTakenFromTheBlockSource() {
        try (CountingBlockSource source = new CountingBlockSource()) {
            NativeMemoryContext root = NativeMemoryContext.create("Root", AllocSetSizes.DEFAULT, source);
            assertThrows(IllegalStateException.class, source::close, "the source must outlive its contexts");
            NativeMemoryContext child = root.createChild("Child", AllocSetSizes.SMALL);
            NativeMemoryContext grandchild = child.createChild("Grandchild", AllocSetSizes.START_SMALL);
            mixedWork(root, 3);
            mixedWork(child, 4);
            mixedWork(grandchild, 5);

            CountingBlockSource.Counts during = source.counts();
            assertEquals(root.memAllocated(true), during.bytesOutstanding(),
                    "the contexts' own accounting agrees with what the source handed out");
            assertTrue(during.reallocCalls() > 0 && during.allocCalls() > 3, during.toString());

            root.close();

            CountingBlockSource.Counts after = source.counts();
            assertEquals(0, after.bytesOutstanding(), after.toString());
            assertEquals(0, after.blocksOutstanding(), after.toString());
            assertEquals(after.bytesAllocated(), after.bytesFreed());
            assertEquals(after.allocCalls(), after.freeCalls());
            assertFalse(child.isAlive());
            assertFalse(grandchild.isAlive());
            child.close(); // already deleted with its parent: a no-op, not an error
        }
    }
}
