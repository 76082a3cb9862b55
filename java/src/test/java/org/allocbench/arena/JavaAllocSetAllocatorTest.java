package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;
import org.allocbench.alloc.JavaAllocSetAllocator;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextException;
import org.junit.jupiter.api.Test;

/** The pure-Java AllocSet behind the suite's Allocator interface ("aset-java"). */
class JavaAllocSetAllocatorTest {

    @Test
    void describesItself() {
        try (Allocator allocator = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            assertEquals("aset-java", allocator.name());
            assertEquals("pure Java over MemorySegment (pg16 layout), blocks from malloc", allocator.version());
            assertEquals(new Capabilities(true, true, true, true, 8, "", true, Capabilities.Sharing.PER_CONTEXT),
                    allocator.capabilities(), "over malloc's blocks: any thread, one at a time per context");
        }
        try (Allocator zeroing = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.ARENA)) {
            assertEquals(Capabilities.Sharing.OWNER, zeroing.capabilities().sharing(), "confined arenas: one thread");
        }
    }

    @Test
    void statisticsAreTheAllocSetsExactFigures() {
        try (Allocator allocator = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            assertEquals(AllocatorStats.of(8192, 1, 0, 7952, 240), allocator.stats());
            long chunk = allocator.alloc(100);
            assertEquals(chunk, allocator.address(chunk));
            assertEquals(AllocatorStats.of(8192, 1, 0, 7952 - 136, 240 + 136), allocator.stats());
            long moved = allocator.resize(chunk, 100, 129);
            assertEquals(AllocatorStats.of(8192, 1, 1, 7952 - 264, 240 + 264), allocator.stats());
            allocator.free(moved);
            long large = allocator.allocZeroed(10_000);
            assertEquals(AllocatorStats.of(8192 + 10_048, 2, 2, 7952, 240 + 10_048), allocator.stats());
            allocator.free(large);
            MemorySegment segment = allocator.allocate(24, 8);
            segment.set(ValueLayout.JAVA_LONG, 16, 7);
            allocator.reset();
            assertEquals(AllocatorStats.of(8192, 1, 0, 7952, 240), allocator.stats());
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_LONG, 16),
                    "segments die with the generation");
        }
    }

    /** The set is created by the thread that first uses it, so the constructing thread may differ. */
    @Test
    void drivingThreadNeedNotBeTheConstructingOne() throws Exception {
        Allocator allocator = new JavaAllocSetAllocator(AllocSetSizes.SMALL);
        CompletableFuture.runAsync(() -> {
            long chunk = allocator.alloc(2000); // above SMALL's 1024 limit: a dedicated block
            assertEquals(AllocatorStats.of(1024 + 2048, 2, 0, 784, 240 + 2048), allocator.stats());
            allocator.free(chunk);
            allocator.close();
        }).get();
        assertThrows(IllegalStateException.class, () -> allocator.alloc(8));
        allocator.close(); // idempotent
    }

    @Test
    void badSizesAreRefusedAtConstruction() {
        assertThrows(MemoryContextException.class, () -> new JavaAllocSetAllocator(new AllocSetSizes(0, 1000, 8192)));
        try (Allocator closed = new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)) {
            closed.close();
            assertThrows(IllegalStateException.class, closed::stats);
        }
    }
}
