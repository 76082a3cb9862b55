package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every block source belongs to the thread that made it, as its set does: another thread is refused. */
class BlockSourceThreadTest {

    @ParameterizedTest
    @EnumSource(JavaAllocSet.Blocks.class)
    void anotherThreadIsRefused(JavaAllocSet.Blocks kind) throws InterruptedException {
        BlockSource source = kind.create();
        long block = source.alloc(1024);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                source.free(block);
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        other.join();
        assertTrue(seen.get() instanceof WrongThreadException, String.valueOf(seen.get()));
        assertTrue(source.owns(block), "nothing was freed");
        source.freeAll();
    }
}
