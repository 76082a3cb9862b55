package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.allocbench.alloc.PeerTesting.assumeAvailable;
import static org.allocbench.alloc.PeerTesting.create;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.allocbench.alloc.MallocFamilyAllocator.Library;
import org.junit.jupiter.api.Test;

/** mimalloc-heap: reset replaces the heap (and the old one's blocks are gone), the heap stays on its thread. */
class NativePeerMimallocHeapTest {

    private static long visitedBlocks;

    /** {@code bool visitor(const mi_heap_t*, const mi_heap_area_t*, void *block, size_t, void *arg)}. */
    static boolean countBlock(MemorySegment heap, MemorySegment area, MemorySegment block, long blockSize,
            MemorySegment arg) {
        if (!block.equals(MemorySegment.NULL)) {
            visitedBlocks++;
        }
        return true;
    }

    /** Live blocks in a heap, counted by mimalloc itself (mi_heap_visit_blocks). */
    static long blocksIn(long heap) throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup mimalloc = NativePeers.require(Library.MIMALLOC).lookup(); // the copy the allocator uses
        MethodHandle visit = linker.downcallHandle(mimalloc.find("mi_heap_visit_blocks").orElseThrow(),
                FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, ADDRESS));
        MethodHandle target = MethodHandles.lookup().findStatic(NativePeerMimallocHeapTest.class, "countBlock",
                MethodType.methodType(boolean.class, MemorySegment.class, MemorySegment.class, MemorySegment.class,
                        long.class, MemorySegment.class));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment visitor = linker.upcallStub(target,
                    FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), arena);
            visitedBlocks = 0;
            // returns false for a heap with no pages (mimalloc 2.0.9), true once all blocks were visited
            boolean visitedAll = (boolean) visit.invokeExact(heap, true, visitor, MemorySegment.NULL);
            assertTrue(visitedAll || visitedBlocks == 0);
            return visitedBlocks;
        }
    }

    @Test
    void resetDestroysTheHeapAndStartsAnEmptyOne() throws Throwable {
        try (MimallocHeapAllocator allocator = (MimallocHeapAllocator) create(MimallocHeapAllocator.NAME)) {
            long firstHeap = allocator.heapAddress();
            assertNotEquals(0, firstHeap);
            assertEquals(0, allocator.heapGeneration());
            assertEquals(0, blocksIn(firstHeap));
            for (int i = 0; i < 500; i++) {
                allocator.alloc(16 + i);
            }
            long freed = allocator.alloc(100);
            allocator.free(freed);
            long moved = allocator.resize(allocator.alloc(10), 10, 200_000);
            assertNotEquals(0, moved);
            assertEquals(501, blocksIn(firstHeap));

            allocator.reset();
            assertEquals(1, allocator.heapGeneration());
            assertNotEquals(0, allocator.heapAddress());
            assertEquals(0, blocksIn(allocator.heapAddress()), "the fresh heap holds none of the old blocks");
            allocator.alloc(64);
            assertEquals(1, blocksIn(allocator.heapAddress()));
        }
    }

    @Test
    void closeFromAnotherThreadIsRefusedWhileTheOwnerLives() throws Exception {
        MimallocHeapAllocator allocator = (MimallocHeapAllocator) create(MimallocHeapAllocator.NAME);
        long handle = allocator.alloc(64);
        Throwable onOtherThread = CompletableFuture.supplyAsync(() -> {
            assertThrows(IllegalStateException.class, () -> allocator.alloc(8));
            assertThrows(IllegalStateException.class, () -> allocator.allocZeroed(8));
            assertThrows(IllegalStateException.class, () -> allocator.resize(handle, 64, 128));
            assertThrows(IllegalStateException.class, allocator::reset);
            return assertThrows(IllegalStateException.class, allocator::close);
        }, runnable -> Thread.ofPlatform().start(runnable)).get();
        assertTrue(onOtherThread.getMessage().contains("leaked"), onOtherThread.getMessage());
        assertThrows(IllegalStateException.class, () -> allocator.alloc(8)); // closed all the same
        assertDoesNotThrow(allocator::close);
    }

    @Test
    void mi_freeWorksFromAnyThread() throws Exception {
        try (Allocator allocator = create(MimallocHeapAllocator.NAME)) {
            long handle = allocator.alloc(64);
            Thread other = Thread.ofPlatform().start(() -> allocator.free(handle));
            other.join();
            allocator.alloc(64);
        }
    }

    @Test
    void closeAfterTheOwnerThreadEndedDoesNothingNative() throws Exception {
        assumeAvailable(MimallocHeapAllocator.NAME); // here, on the test thread: create() below runs on another
        AtomicReference<Allocator> made = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> {
            try {
                Allocator allocator = create(MimallocHeapAllocator.NAME);
                allocator.alloc(1000);
                made.set(allocator);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        owner.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertDoesNotThrow(made.get()::close); // mimalloc deleted the heap with its thread
        assertThrows(IllegalStateException.class, () -> made.get().alloc(8));
    }

    @Test
    void aVirtualThreadCannotOwnAHeap() throws Exception {
        assumeAvailable(MimallocHeapAllocator.NAME);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                NativePeers.mimallocHeapFactory().create().close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        IllegalStateException refused = assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(refused.getMessage().contains("platform thread"), refused.getMessage());
    }
}
