package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.allocbench.nativecore.AllocSetSizes;
import org.junit.jupiter.api.Test;

/**
 * The per-thread cache of freed blocks: its size classes, its bounds, trimming,
 * and what happens to a thread's cache when the thread ends. Each scenario runs
 * on a thread of its own, so it starts with an empty cache whatever ran before.
 */
class BlockCacheTest {

    private static final long MIB = 1L << 20;

    @Test
    void sizeClassesRoundUpByLessThanAQuarter() {
        assertEquals(53, BlockCache.CLASSES);
        assertEquals(1024, BlockCache.capacity(0));
        assertEquals(BlockCache.MAX_CACHED_BLOCK, BlockCache.capacity(BlockCache.CLASSES - 1));
        for (int c = 0; c < BlockCache.CLASSES; c++) {
            assertEquals(c, BlockCache.sizeClass(BlockCache.capacity(c)), "class " + c);
            if (c > 0) {
                assertEquals(c, BlockCache.sizeClass(BlockCache.capacity(c - 1) + 1), "just above class " + (c - 1));
            }
        }
        // every power of two is a class of its own: regular blocks waste nothing
        for (long size = 1024; size <= BlockCache.MAX_CACHED_BLOCK; size <<= 1) {
            assertEquals(size, BlockCache.capacity(BlockCache.sizeClass(size)));
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long size = random.nextLong(1, BlockCache.MAX_CACHED_BLOCK + 1);
            int c = BlockCache.sizeClass(size);
            long capacity = BlockCache.capacity(c);
            assertTrue(capacity >= size, size + " fits its class");
            assertTrue(c == 0 || BlockCache.capacity(c - 1) < size, size + " is in the smallest class that fits");
            assertTrue(size <= 1024 || capacity * 4 < size * 5, size + " wastes less than a quarter");
        }
    }

    @Test
    void retainedBytesNeverExceedTheThreadBudget() throws Exception {
        onFreshThread(() -> {
            BlockCache cache = BlockCache.current();
            // Dedicated blocks of 1 MiB + 48 bytes: class 1.25 MiB. With the 8 KiB keeper,
            // 25 fit the 32 MiB budget; the other 23 are exact confined blocks, closed when freed.
            try (JavaAllocSet set = new JavaAllocSet("Budget", AllocSetSizes.DEFAULT)) {
                for (int round = 0; round < 3; round++) {
                    long createdBefore = cache.arenasCreated();
                    long closedBefore = cache.arenasClosed();
                    long[] large = new long[48];
                    for (int i = 0; i < large.length; i++) {
                        large[i] = set.alloc(MIB);
                        assertTrue(cache.reservedBytes() <= BlockCache.THREAD_BUDGET, "reserved after alloc " + i);
                        long all = BlockCache.reservedAllThreads();
                        assertTrue(all >= cache.reservedBytes() && all <= BlockCache.ALL_THREADS_BUDGET, "all: " + all);
                    }
                    assertEquals(8192 + 48 * (MIB + 48), set.memAllocated(), "accounting is the exact block sizes");
                    for (long pointer : large) {
                        set.free(pointer);
                        assertTrue(cache.retainedBytes() <= BlockCache.THREAD_BUDGET, "retained after a free");
                    }
                    assertEquals(25 * (MIB + MIB / 4), cache.retainedBytes());
                    assertEquals(8192 + 25 * (MIB + MIB / 4), cache.reservedBytes());
                    assertEquals(23, cache.arenasClosed() - closedBefore, "the blocks beyond the budget are closed");
                    assertEquals(round == 0 ? 48 : 23, cache.arenasCreated() - createdBefore,
                            "after the first round only the blocks beyond the budget are new");
                }
                // above the largest class: exact size, never cached
                long closedBefore = cache.arenasClosed();
                long huge = set.alloc(9 * MIB);
                set.free(huge);
                assertEquals(closedBefore + 1, cache.arenasClosed());
                assertEquals(25 * (MIB + MIB / 4), cache.retainedBytes());
            }
            assertEquals(8192 + 25 * (MIB + MIB / 4), cache.retainedBytes(), "the keeper is cached at close");
        });
    }

    @Test
    void trimReleasesEverythingCached() throws Exception {
        onFreshThread(() -> {
            BlockCache cache = BlockCache.current();
            JavaAllocSet kept = new JavaAllocSet("InUse", AllocSetSizes.DEFAULT);
            try (JavaAllocSet set = new JavaAllocSet("Trim", AllocSetSizes.DEFAULT)) {
                for (int i = 0; i < 20; i++) {
                    set.alloc(1000); // 1032 bytes each: 7 in the keeper, 7 in an 8 KiB block, 6 in a 16 KiB one
                }
                set.alloc(50_000);
                set.alloc(100_000);
            }
            long retained = cache.retainedBytes();
            assertTrue(retained > 0);
            assertEquals(retained, ArenaBlockSource.retainedBytesOfCurrentThread());
            long closedBefore = cache.arenasClosed();

            assertEquals(retained, ArenaBlockSource.trimCurrentThread());
            assertEquals(0, cache.retainedBytes());
            assertEquals(8192, cache.reservedBytes(), "only the block still in use (the other set's keeper)");
            assertEquals(closedBefore + 5, cache.arenasClosed(), "keeper, 2 regular and 2 dedicated blocks closed");
            assertEquals(0, ArenaBlockSource.trimCurrentThread(), "nothing left");

            long createdBefore = cache.arenasCreated();
            try (JavaAllocSet again = new JavaAllocSet("AfterTrim", AllocSetSizes.DEFAULT)) {
                assertEquals(createdBefore + 1, cache.arenasCreated(), "a new arena: nothing was cached");
                ArenaCounters.assertFreshDefault(again);
            }
            kept.close();
            assertEquals(2 * 8192, cache.retainedBytes());
            ArenaBlockSource.trimCurrentThread();
            assertEquals(0, cache.reservedBytes());
        });
    }

    @Test
    void cachedBlocksOfAThreadThatEndedAreReleased() throws Exception {
        AtomicReference<BlockCache> ended = new AtomicReference<>();
        onFreshThread(() -> {
            try (JavaAllocSet set = new JavaAllocSet("Ends", AllocSetSizes.DEFAULT)) {
                for (int i = 0; i < 50; i++) {
                    set.alloc(1000);
                }
                set.free(set.alloc(40_000));
            }
            assertTrue(BlockCache.current().retainedBytes() > 0);
            ended.set(BlockCache.current());
        });
        BlockCache cache = ended.get();
        awaitRelease(cache);
        assertEquals(0, cache.retainedBytes());
        assertEquals(0, cache.reservedBytes());
        assertEquals(cache.arenasCreated(), cache.arenasClosed(), "every arena the thread created is closed");
    }

    /**
     * Common-pool workers erase their thread locals between tasks: the cache a
     * task used is then out of reach of the live worker and is released too.
     */
    @Test
    void cachedBlocksOfACommonPoolTaskAreReleasedWhenItsWorkerForgetsThem() throws Exception {
        BlockCache cache = CompletableFuture.supplyAsync(() -> {
            try (JavaAllocSet set = new JavaAllocSet("Task", AllocSetSizes.DEFAULT)) {
                set.free(set.alloc(40_000));
            }
            return BlockCache.current();
        }).get();
        assertTrue(cache.thread.isAlive() || cache.released());
        awaitRelease(cache);
        assertEquals(0, cache.retainedBytes());
        assertEquals(0, cache.reservedBytes());
    }

    private static void awaitRelease(BlockCache cache) throws InterruptedException {
        awaitRelease(cache::released);
    }

    /** Waits for a cleaner to release a thread's cache (GCs until it has, for at most 30 s). */
    static void awaitRelease(BooleanSupplier released) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!released.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc(); // the cleaner acts once a GC has seen that the cache's anchor is unreachable
            Thread.sleep(20);
        }
        assertTrue(released.getAsBoolean(), "the cleaner released the cache");
    }

    @Test
    void aSourceRefusesOtherThreads() {
        ArenaBlockSource source = new ArenaBlockSource();
        long block = source.alloc(4096);
        var alloc = assertThrows(ExecutionException.class, CompletableFuture.runAsync(() -> source.alloc(4096))::get);
        assertTrue(alloc.getCause() instanceof WrongThreadException, alloc.toString());
        var free = assertThrows(ExecutionException.class,
                CompletableFuture.runAsync(() -> source.free(block, 4096))::get);
        assertTrue(free.getCause() instanceof WrongThreadException, free.toString());
        assertTrue(source.owns(block));
        source.freeAll();
        assertEquals(0, source.size());
    }

    /** Runs {@code body} on a new thread (an empty cache), rethrowing what it throws. */
    static void onFreshThread(ThrowingRunnable body) throws Exception {
        List<Throwable> failures = new ArrayList<>();
        Thread thread = Thread.ofPlatform().name("block-cache-test").start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        thread.join();
        if (!failures.isEmpty()) {
            Throwable failure = failures.get(0);
            if (failure instanceof Error error) {
                throw error;
            }
            throw (Exception) failure;
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
