package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Arena and heap block sources belong to the thread that made them, as their sets do: another thread is refused.
 * The malloc source serves any thread, as malloc does.
 */
class BlockSourceThreadTest {

    static Stream<JavaAllocSet.Blocks> confinedKinds() {
        return Arrays.stream(JavaAllocSet.Blocks.values()).filter(JavaAllocSet.Blocks::confined);
    }

    @Test
    void arenaAndHeapBlocksAreTheConfinedKinds() {
        assertEquals(List.of(JavaAllocSet.Blocks.ARENA, JavaAllocSet.Blocks.HEAP), confinedKinds().toList());
    }

    @ParameterizedTest
    @MethodSource("confinedKinds")
    void anotherThreadIsRefused(JavaAllocSet.Blocks kind) throws InterruptedException {
        BlockSource source = kind.create();
        long block = source.alloc(1024);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                source.free(block, 1024);
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        other.join();
        assertTrue(seen.get() instanceof WrongThreadException, String.valueOf(seen.get()));
        assertEquals(1, source.size(), "nothing was freed");
        source.free(block, 1024);
    }

    @Test
    void theMallocSourceServesAnyThread() {
        BlockSource source = JavaAllocSet.Blocks.MALLOC.create();
        long block = source.alloc(1024);
        assertTrue(CompletableFuture.supplyAsync(() -> source.free(block, 1024)).join());
        assertEquals(0, source.size());
    }
}
