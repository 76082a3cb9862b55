package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Bad arguments are exceptions with clear (PostgreSQL) wording, never a crashed JVM. */
class BadArgumentsTest {

    @Test
    void negativeSizeIsRefused() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Neg")) {
            var e = assertThrows(IllegalArgumentException.class, () -> context.allocate(-1));
            assertEquals("invalid memory alloc request size -1", e.getMessage());
        }
    }

    @Test
    void sizeAboveMaxAllocSizeUsesPostgresWording() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Big")) {
            var e = assertThrows(MemoryContextException.class, () -> context.allocate(0x40000000L));
            assertEquals("invalid memory alloc request size 1073741824", e.getMessage());
            assertEquals(MemoryContextException.Kind.INVALID_SIZE, e.kind());

            MemorySegment small = context.allocate(10);
            var realloc = assertThrows(MemoryContextException.class, () -> context.reallocate(small, 0x40000000L));
            assertEquals("invalid memory alloc request size 1073741824", realloc.getMessage());
            assertEquals(10, small.byteSize(), "a failed realloc leaves the chunk as it was");
            context.free(small);
        }
    }

    @Test
    void hugeFlagAllowsMoreThanMaxAllocSize() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Huge")) {
            MemorySegment huge = context.allocateExtended(0x40000000L + 8, AllocFlags.HUGE); // address space only
            assertEquals(0x40000000L + 8, huge.byteSize());
            context.free(huge);
            Counters.assertFreshDefault(context);
        }
    }

    @Test
    void outOfMemoryUsesPostgresWordingOrNullWithNoOom() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Greedy")) {
            long impossible = Long.MAX_VALUE / 4; // a valid huge size no malloc can satisfy
            var e = assertThrows(MemoryContextException.class, () -> context.allocateExtended(impossible, AllocFlags.HUGE));
            assertEquals("out of memory", e.getMessage());
            assertEquals("Failed on request of size 2305843009213693951 in memory context \"Greedy\".", e.detail());
            assertEquals(MemoryContextException.Kind.OUT_OF_MEMORY, e.kind());

            assertEquals(MemorySegment.NULL, context.allocateExtended(impossible, AllocFlags.HUGE | AllocFlags.NO_OOM));
            Counters.assertFreshDefault(context);
        }
    }

    @Test
    void invalidContextParametersAreRefusedOnCreate() {
        var e = assertThrows(MemoryContextException.class,
                () -> NativeMemoryContext.create("Bad", new AllocSetSizes(0, 1000, 8192)));
        assertEquals(MemoryContextException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().startsWith("invalid initBlockSize 1000"), e.getMessage());
        assertThrows(MemoryContextException.class,
                () -> NativeMemoryContext.create("Bad", new AllocSetSizes(0, 8192, 4096)));
        assertThrows(MemoryContextException.class,
                () -> NativeMemoryContext.create("Bad", new AllocSetSizes(100, 8192, 16384)));
    }

    @Test
    void freeRefusesSegmentsThatAreNotLiveChunksOfThisContext() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Mine");
                NativeMemoryContext other = NativeMemoryContext.create("Other");
                Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = context.allocate(64);
            assertThrows(NullPointerException.class, () -> context.free(null));
            assertThrows(IllegalArgumentException.class, () -> context.free(MemorySegment.NULL));
            assertThrows(IllegalArgumentException.class, () -> context.free(MemorySegment.ofArray(new byte[64])));
            assertThrows(IllegalArgumentException.class, () -> context.free(arena.allocate(64)));
            assertThrows(IllegalArgumentException.class, () -> other.free(chunk));
            assertThrows(IllegalArgumentException.class, () -> context.free(chunk.asSlice(8)));
            context.free(chunk);
            var twice = assertThrows(IllegalArgumentException.class, () -> context.free(chunk));
            assertTrue(twice.getMessage().contains("not a live chunk of memory context \"Mine\""), twice.getMessage());
            Counters.assertFreshDefault(other);
        }
    }

    @Test
    void useAfterCloseIsAClearError() {
        NativeMemoryContext context = NativeMemoryContext.create("Gone");
        MemorySegment chunk = context.allocate(64);
        context.close();
        var e = assertThrows(IllegalStateException.class, () -> context.allocate(8));
        assertEquals("memory context \"Gone\" has been deleted", e.getMessage());
        assertThrows(IllegalStateException.class, context::stats);
        assertThrows(IllegalStateException.class, () -> chunk.get(ValueLayout.JAVA_BYTE, 0));
        context.close(); // closing twice does nothing
    }

    @Test
    void alignmentAboveMaxAlignIsRefused() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Align")) {
            assertEquals(0, context.allocate(24, 8).address() % 8);
            assertThrows(IllegalArgumentException.class, () -> context.allocate(24, 16));
            assertThrows(IllegalArgumentException.class, () -> context.allocate(24, 3));
        }
    }

    @Test
    void anotherThreadCannotUseTheContext() throws InterruptedException {
        try (NativeMemoryContext context = NativeMemoryContext.create("Confined")) {
            var failure = CompletableFuture.runAsync(() -> context.allocate(8));
            var e = assertThrows(ExecutionException.class, failure::get);
            assertTrue(e.getCause() instanceof WrongThreadException, e.toString());
        }
    }
}
