package org.allocbench.arena;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.allocbench.arena.ArenaCounters.assertFreshDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.allocbench.nativecore.AllocFlags;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextException;
import org.allocbench.nativecore.NativeMemoryContext;
import org.junit.jupiter.api.Test;

/** Bad arguments are exceptions with clear (PostgreSQL's or native's) wording, never a corrupted set. */
class JavaAllocSetMisuseTest {

    @Test
    void chunkOfAnotherSetIsRefused() {
        try (JavaAllocSet mine = new JavaAllocSet("Mine", AllocSetSizes.DEFAULT);
                JavaAllocSet other = new JavaAllocSet("Other", AllocSetSizes.DEFAULT)) {
            long small = other.alloc(64);
            long large = other.alloc(50_000);
            var e = assertThrows(IllegalArgumentException.class, () -> mine.free(small));
            assertTrue(e.getMessage().startsWith("pfree called with pointer 0x"), e.getMessage());
            assertTrue(e.getMessage().contains("not a chunk of memory context \"Mine\""), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mine.free(large));
            var r = assertThrows(IllegalArgumentException.class, () -> mine.realloc(small, 1000));
            assertTrue(r.getMessage().startsWith("repalloc called with pointer"), r.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mine.realloc(large, 100));
            assertThrows(IllegalArgumentException.class, () -> mine.chunkCapacity(small));
            // nothing changed on either side
            assertFreshDefault(mine);
            assertCounters(other.stats(), 8192 + 50_048, 2, 7952 - 72, 0, 240 + 72 + 50_048);
            other.free(small);
            other.free(large);
            assertCounters(other.stats(), 8192, 1, 7952, 1, 240);
        }
    }

    @Test
    void addressThatIsNotAChunkIsRefusedWithNativesMessage() {
        try (JavaAllocSet set = new JavaAllocSet("NotAChunk", AllocSetSizes.DEFAULT);
                Arena arena = Arena.ofConfined()) {
            long zeroed = arena.allocate(64, 8).address() + 8; // header word 0: kind 0 is never used
            var e = assertThrows(MemoryContextException.class, () -> set.free(zeroed));
            assertEquals(MemoryContextException.Kind.INVALID_ARGUMENT, e.kind());
            assertEquals("pfree called with invalid pointer 0x" + Long.toHexString(zeroed)
                    + " (header 0x0000000000000000)", e.getMessage());
            var r = assertThrows(MemoryContextException.class, () -> set.realloc(zeroed, 10));
            assertTrue(r.getMessage().startsWith("repalloc called with invalid pointer"), r.getMessage());

            var nul = assertThrows(MemoryContextException.class, () -> set.free(0));
            assertEquals("pfree called with NULL pointer", nul.getMessage());
            long chunk = set.alloc(16);
            assertThrows(MemoryContextException.class, () -> set.free(chunk + 4), "misaligned");
            assertThrows(MemoryContextException.class, () -> set.free(chunk + 8), "inside a chunk: its payload is zero");
            set.free(chunk);
            assertCounters(set.stats(), 8192, 1, 7952, 1, 240);
        }
    }

    @Test
    void useAfterCloseIsAClearError() {
        JavaAllocSet set = new JavaAllocSet("Gone", AllocSetSizes.DEFAULT);
        long chunk = set.alloc(64);
        set.close();
        var e = assertThrows(IllegalStateException.class, () -> set.alloc(8));
        assertEquals("memory context \"Gone\" has been deleted", e.getMessage());
        assertThrows(IllegalStateException.class, () -> set.free(chunk));
        assertThrows(IllegalStateException.class, () -> set.realloc(chunk, 10));
        assertThrows(IllegalStateException.class, set::reset);
        assertThrows(IllegalStateException.class, set::stats);
        assertThrows(IllegalStateException.class, () -> set.freelistLength(0));
        assertTrue(!set.isOpen());
        set.close(); // closing twice does nothing
    }

    @Test
    void negativeSizesAreRefusedInPostgresWording() {
        try (JavaAllocSet set = new JavaAllocSet("Neg", AllocSetSizes.DEFAULT)) {
            var e = assertThrows(IllegalArgumentException.class, () -> set.alloc(-1));
            assertEquals("invalid memory alloc request size -1", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> set.allocZeroed(-5));
            long small = set.alloc(10);
            long large = set.alloc(10_000);
            var r = assertThrows(IllegalArgumentException.class, () -> set.realloc(small, -1));
            assertEquals("invalid memory alloc request size -1", r.getMessage());
            assertThrows(IllegalArgumentException.class, () -> set.realloc(large, Long.MIN_VALUE));
            assertEquals(16, set.chunkCapacity(small), "a failed realloc leaves the chunk as it was");
            assertEquals(10_000, set.chunkCapacity(large));
            assertCounters(set.stats(), 8192 + 10_048, 2, 7952 - 24, 0, 240 + 24 + 10_048);
        }
    }

    @Test
    void sizeAboveMaxAllocSizeUsesPostgresWording() {
        try (JavaAllocSet set = new JavaAllocSet("Big", AllocSetSizes.DEFAULT)) {
            var e = assertThrows(MemoryContextException.class, () -> set.alloc(0x40000000L));
            assertEquals("invalid memory alloc request size 1073741824", e.getMessage());
            assertEquals(MemoryContextException.Kind.INVALID_SIZE, e.kind());

            long small = set.alloc(10);
            var realloc = assertThrows(MemoryContextException.class, () -> set.realloc(small, 0x40000000L));
            assertEquals("invalid memory alloc request size 1073741824", realloc.getMessage());
            long large = set.alloc(10_000);
            assertThrows(MemoryContextException.class, () -> set.realloc(large, 0x40000000L));
            assertEquals(16, set.chunkCapacity(small));
            assertEquals(10_000, set.chunkCapacity(large));
            set.free(small);
            set.free(large);
            assertCounters(set.stats(), 8192, 1, 7952, 1, 240);
        }
    }

    @Test
    void hugeFlagAllowsMoreThanMaxAllocSize() {
        try (JavaAllocSet set = new JavaAllocSet("Huge", AllocSetSizes.DEFAULT)) {
            long huge = set.allocExtended(0x40000000L + 8, AllocFlags.HUGE); // 1 GiB, zero-filled by the arena
            assertEquals(0x40000000L + 8, set.chunkCapacity(huge));
            assertEquals(8192 + 0x40000000L + 56, set.memAllocated());
            set.free(huge);
            assertFreshDefault(set);
        }
    }

    @Test
    void outOfMemoryUsesPostgresWordingOrZeroWithNoOom() {
        try (JavaAllocSet set = new JavaAllocSet("Greedy", AllocSetSizes.DEFAULT)) {
            long impossible = Long.MAX_VALUE / 4; // a valid huge size no machine can satisfy
            var e = assertThrows(MemoryContextException.class, () -> set.allocExtended(impossible, AllocFlags.HUGE));
            assertEquals("out of memory", e.getMessage());
            assertEquals("Failed on request of size 2305843009213693951 in memory context \"Greedy\".", e.detail());
            assertEquals(MemoryContextException.Kind.OUT_OF_MEMORY, e.kind());
            assertEquals(0, set.allocExtended(impossible, AllocFlags.HUGE | AllocFlags.NO_OOM));
            // the largest huge size: MAXALIGN overflows, which is out of memory too, not a crash
            assertEquals(0, set.allocExtended(Long.MAX_VALUE, AllocFlags.HUGE | AllocFlags.NO_OOM));
            long large = set.alloc(10_000);
            assertEquals(0, set.reallocExtended(large, impossible, AllocFlags.HUGE | AllocFlags.NO_OOM));
            assertEquals(10_000, set.chunkCapacity(large), "a failed realloc leaves the block as it was");
            set.free(large);
            assertFreshDefault(set);
            assertThrows(IllegalArgumentException.class, () -> set.allocExtended(8, 0x100));
            assertThrows(IllegalArgumentException.class, () -> set.reallocExtended(large, 8, AllocFlags.ZERO));
        }
    }

    /** The parameter checks of aset_create, message for message. */
    @Test
    void invalidParametersAreRefusedLikeNative() {
        AllocSetSizes[] bad = {
            new AllocSetSizes(0, 1000, 8192), // initBlockSize below 1024
            new AllocSetSizes(0, 1028, 8192), // not MAXALIGNed
            new AllocSetSizes(0, 8192, 4096), // max < init
            new AllocSetSizes(0, 8192, 0x40000000L), // max >= 1 GiB
            new AllocSetSizes(100, 8192, 16384), // min below 1024
            new AllocSetSizes(2052, 1024, 16384), // min not MAXALIGNed
            new AllocSetSizes(32768, 1024, 16384), // min > max
        };
        for (AllocSetSizes sizes : bad) {
            var nativeError = assertThrows(MemoryContextException.class, () -> NativeMemoryContext.create("Bad", sizes));
            var javaError = assertThrows(MemoryContextException.class, () -> new JavaAllocSet("Bad", sizes));
            assertEquals(nativeError.getMessage(), javaError.getMessage(), sizes.toString());
            assertEquals(nativeError.kind(), javaError.kind());
            assertEquals(MemoryContextException.Kind.INVALID_ARGUMENT, javaError.kind());
        }
        assertThrows(NullPointerException.class, () -> new JavaAllocSet(null, AllocSetSizes.DEFAULT));
    }

    @Test
    void anotherThreadCannotUseTheSet() {
        try (JavaAllocSet set = new JavaAllocSet("Confined", AllocSetSizes.DEFAULT)) {
            var failure = CompletableFuture.runAsync(() -> set.alloc(8));
            var e = assertThrows(ExecutionException.class, failure::get);
            assertTrue(e.getCause() instanceof WrongThreadException, e.toString());
            var close = CompletableFuture.runAsync(set::close);
            assertThrows(ExecutionException.class, close::get);
            assertFreshDefault(set);
        }
    }

    @Test
    void overMallocsBlocksAnyThreadMayUseTheSetOneAtATime() throws Exception {
        JavaAllocSet set = new JavaAllocSet("Shared", AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.MALLOC);
        long chunk = set.alloc(100);
        // join() orders each use after the one before, as a replay's waits do
        long large = CompletableFuture.supplyAsync(() -> {
            set.free(chunk);
            return set.alloc(20_000);
        }).join();
        assertEquals(8192 + 20_048, set.memAllocated(), "the other thread's dedicated block is the set's");
        set.free(large);
        JavaAllocSet child = CompletableFuture.supplyAsync(() -> set.createChild("Child", 0, 1024, 8192)).join();
        child.alloc(8);
        CompletableFuture.runAsync(set::close).join();
        assertFalse(child.isOpen(), "the other thread's close deleted the tree");
        var closed = assertThrows(IllegalStateException.class, () -> set.alloc(8));
        assertEquals("memory context \"Shared\" has been deleted", closed.getMessage());
        var closedElsewhere = assertThrows(ExecutionException.class,
                CompletableFuture.runAsync(() -> set.alloc(8))::get);
        assertTrue(closedElsewhere.getCause() instanceof IllegalStateException, closedElsewhere.toString());
    }

    @Test
    void freelistIndexOutOfRange() {
        try (JavaAllocSet set = new JavaAllocSet("Index", AllocSetSizes.DEFAULT)) {
            assertThrows(IndexOutOfBoundsException.class, () -> set.freelistLength(11));
            assertThrows(IndexOutOfBoundsException.class, () -> set.freelistLength(-1));
        }
    }
}
