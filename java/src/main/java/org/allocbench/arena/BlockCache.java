package org.allocbench.arena;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread's cache of freed block memory: the Java counterpart of the free
 * lists in which glibc malloc keeps freed chunks and hands them back, unzeroed,
 * to the next request that fits. {@link ArenaBlockSource} takes its blocks
 * from here and gives them back here, so a block freed by reset, pfree or
 * delete is reused by the next block request of its size class on the same
 * thread without a new arena and without the JDK's zero-fill (measured on JDK
 * 25: about 120 ns for 8 KB and 750 ns for 64 KB, most of it the fill).
 *
 * <p><b>Size classes.</b> Four per power of two, from 1 KiB to
 * {@link #MAX_CACHED_BLOCK}: 1 KiB, 1.25, 1.5, 1.75, 2 KiB, 2.5 KiB ... 8 MiB
 * (53 classes). A block's memory is its class's capacity, rounded up from the
 * size asked for; its accounting (endptr - start in the set) stays the size
 * asked for, so statistics do not change at all. Regular blocks are powers of
 * two and fit their class exactly; a dedicated block ({@code MAXALIGN(size) +
 * 48}) wastes less than a quarter of its size, where power-of-two classes would
 * waste up to half. Each class is a LIFO list (most recently freed memory is
 * the warmest), linked through the {@link Block} objects, so taking and giving
 * back a block allocates nothing.
 *
 * <p><b>Per thread, no locks.</b> A context is single-threaded, so the cache is
 * per thread (a {@link ThreadLocal}; each virtual thread has its own) and the
 * lists and counters are plain fields. A source binds to the cache of the
 * thread that creates it and refuses other threads. Only block requests and
 * block frees come here; chunk operations never do.
 *
 * <p><b>Which arenas, and what happens when a thread ends.</b> A block that
 * may end up in the cache is a segment of its own {@link Arena#ofShared() shared
 * arena}; the others are {@link Arena#ofConfined() confined} as before. Why:
 * nothing runs on a thread as it ends (the JDK's terminating thread locals are
 * internal), and a confined arena can only be closed by its owner, so cached
 * confined blocks of an ended thread could never be freed: a thread pool that
 * replaces its threads would leak without bound. An {@link Arena#ofAuto()
 * automatic} arena is freed only by the GC, so trimming could not give anything
 * back, and its memory counts against {@code -XX:MaxDirectMemorySize}. A shared
 * arena can be closed from any thread: when a thread has ended (its thread
 * locals are cleared) and none of its block sources is left, the cache's
 * {@link Anchor} is unreachable, and the {@link ThreadCacheCleaner} closes its
 * cached blocks on the cleaner's thread once a GC has noticed. The same happens to a live
 * thread whose thread locals are erased (common-pool workers erase them between
 * tasks): its next block request starts a new cache.
 *
 * <p>The price of a shared arena is its close, about 20 µs (a handshake with every
 * thread), so it is never paid on an allocation path: a block is made shared
 * only if its thread's budget still has room for it, so every shared block fits
 * the cache when it is freed and goes there instead of being closed. Closes
 * happen only in {@link #trim()} and once nothing can use the cache any more.
 *
 * <p><b>Bounds.</b> A thread's shared blocks, in use and cached, never exceed
 * {@link #THREAD_BUDGET}, so neither does what its cache retains. All threads'
 * together never exceed {@link #ALL_THREADS_BUDGET}, which also bounds what
 * ended threads hold until the GC notices them. A block request that does not
 * fit the budget, or is above {@link #MAX_CACHED_BLOCK}, gets an exact-size
 * confined arena that is closed as soon as it is freed, as before the cache.
 * A context whose owner thread ended without closing it is leaked as before
 * (nothing can free its blocks); its budget is given back with the cache.
 */
final class BlockCache {

    /**
     * The largest block kept when freed: ALLOCSET_DEFAULT_MAXSIZE, so every
     * block of a default-sized context (which grow up to 8 MiB) is reusable.
     * Bigger ones are dedicated chunks above 8 MiB, rare, and writing them costs
     * far more than their zero-fill; they go back at once.
     */
    static final long MAX_CACHED_BLOCK = 8L << 20;

    /**
     * The most one thread's shared blocks (in use plus cached) may take, hence
     * the most its cache may retain: four of the largest blocks, or about a
     * hundred times what a per-batch executor context recycles per reset (some
     * 300 KiB); the size of the largest chunk glibc keeps in its heap instead of
     * unmapping it (its dynamic mmap threshold tops out at 32 MiB on 64-bit).
     */
    static final long THREAD_BUDGET = 32L << 20;

    /**
     * The most all threads' shared blocks may take together (256 MiB): eight
     * full thread budgets, more than the threads a benchmark drives on the
     * machines we use; beyond it blocks are confined and uncached, as before.
     * It bounds the memory of many live threads (virtual ones too) and of ended
     * threads whose caches wait for a GC to be released.
     */
    static final long ALL_THREADS_BUDGET = 8 * THREAD_BUDGET;

    private static final int MIN_CLASS_SHIFT = 10;
    /** 1 KiB .. 8 MiB, four classes per doubling. */
    static final int CLASSES = sizeClass(MAX_CACHED_BLOCK) + 1;

    private static final AtomicLong RESERVED_ALL_THREADS = new AtomicLong();
    private static final ThreadLocal<Anchor> CURRENT = ThreadLocal.withInitial(Anchor::new);

    /** The thread whose cache this is: the only one that may use it. */
    final Thread thread;
    /** Heads of the per-class LIFO lists of cached blocks, null for empty. */
    private final Block[] lists = new Block[CLASSES];
    /** Bytes of this thread's shared blocks, in use or cached (capacities). */
    private long reserved;
    /** Bytes of cached blocks (capacities). */
    private long retained;
    private long arenasCreated;
    private long arenasClosed;
    /** Set by the cleaner once nothing can use the cache any more and it has been emptied. */
    private volatile boolean released;

    private BlockCache(Thread thread) {
        this.thread = thread;
    }

    /** The current thread's cache. */
    static BlockCache current() {
        return CURRENT.get().cache;
    }

    /** The current thread's cache's anchor: whoever uses the cache must hold it, so that it is not released. */
    static Anchor anchor() {
        return CURRENT.get();
    }

    // ---- size classes ----

    /** The class of a block of {@code size} bytes, {@code 0 < size <= MAX_CACHED_BLOCK}. */
    static int sizeClass(long size) {
        if (size <= 1L << MIN_CLASS_SHIFT) {
            return 0;
        }
        long last = size - 1; // in [2^b, 2^(b+1)) with b >= 10
        int b = 63 - Long.numberOfLeadingZeros(last);
        int quarter = (int) (last >>> (b - 2)); // 4..7: the class (quarter + 1) << (b - 2) holds size
        return 4 * (b - MIN_CLASS_SHIFT) + quarter - 3;
    }

    /** The bytes of memory a block of class {@code sizeClass} has. */
    static long capacity(int sizeClass) {
        int n = sizeClass + 4 * MIN_CLASS_SHIFT - 1; // 4b + quarter - 4 with quarter in 4..7
        int b = n >>> 2;
        return (long) ((n & 3) + 5) << (b - 2);
    }

    // ---- blocks ----

    /**
     * A cached block of {@code size} bytes' class, taken off its list; null if
     * there is none (or the size is above the largest class). Its contents are
     * whatever its last user left.
     */
    Block reuse(long size) {
        if (size > MAX_CACHED_BLOCK) {
            return null;
        }
        int sizeClass = sizeClass(size);
        Block block = lists[sizeClass];
        if (block != null) {
            lists[sizeClass] = block.next;
            block.next = null;
            retained -= block.capacity;
        }
        return block;
    }

    /**
     * A new block (zeroed, by the JDK) for {@code size} bytes: shared and
     * rounded up to its class if it may be cached later, confined and exact
     * otherwise; null if out of memory.
     */
    Block create(long size) {
        if (size <= MAX_CACHED_BLOCK) {
            int sizeClass = sizeClass(size);
            long capacity = capacity(sizeClass);
            if (reserved + capacity <= THREAD_BUDGET && reserveAllThreads(capacity)) {
                Block block = allocate(Arena.ofShared(), capacity, sizeClass);
                if (block != null) {
                    reserved += capacity;
                    return block;
                }
                RESERVED_ALL_THREADS.addAndGet(-capacity);
                // the rounded-up size failed: the exact size may still succeed
            }
        }
        return allocate(Arena.ofConfined(), size, Block.UNCACHED);
    }

    private Block allocate(Arena arena, long bytes, int sizeClass) {
        long address;
        try {
            address = arena.allocate(bytes, 8).address();
        } catch (OutOfMemoryError e) {
            arena.close();
            return null;
        }
        arenasCreated++;
        return new Block(arena, address, bytes, sizeClass);
    }

    /** A block that is no longer in use: onto its list if it is cacheable, else closed now. */
    void giveBack(Block block) {
        if (block.sizeClass == Block.UNCACHED) {
            close(block);
            return;
        }
        // Always fits: the block was counted in the budget when it was created.
        block.next = lists[block.sizeClass];
        lists[block.sizeClass] = block;
        retained += block.capacity;
    }

    /** Closes every cached block, giving its budget back. Returns the bytes released. */
    long trim() {
        long freed = closeCached();
        reserved -= freed;
        RESERVED_ALL_THREADS.addAndGet(-freed);
        return freed;
    }

    private long closeCached() {
        long freed = 0;
        for (int c = 0; c < CLASSES; c++) {
            for (Block block = lists[c]; block != null; ) {
                Block next = block.next;
                block.next = null;
                close(block);
                freed += block.capacity;
                block = next;
            }
            lists[c] = null;
        }
        retained = 0;
        return freed;
    }

    private void close(Block block) {
        block.arena.close();
        arenasClosed++;
    }

    private static boolean reserveAllThreads(long bytes) {
        if (RESERVED_ALL_THREADS.addAndGet(bytes) <= ALL_THREADS_BUDGET) {
            return true;
        }
        RESERVED_ALL_THREADS.addAndGet(-bytes);
        return false;
    }

    // ---- introspection (tests) ----

    /** Bytes of memory on the lists. */
    long retainedBytes() {
        return retained;
    }

    /** Bytes of this thread's cacheable blocks, in use or cached: never above THREAD_BUDGET. */
    long reservedBytes() {
        return reserved;
    }

    /** Arenas this thread's block sources have created. */
    long arenasCreated() {
        return arenasCreated;
    }

    /** Arenas closed through this cache (uncached blocks freed, trims). */
    long arenasClosed() {
        return arenasClosed;
    }

    /** True once the cleaner has closed what was cached (the thread ended or forgot the cache). */
    boolean released() {
        return released;
    }

    /** Bytes of all threads' cacheable blocks, in use or cached (ended threads' until released). */
    static long reservedAllThreads() {
        return RESERVED_ALL_THREADS.get();
    }

    // ---- blocks and thread end ----

    /** One block: its arena, its memory, its class. Reused with its memory, so a cache hit allocates nothing. */
    static final class Block {
        /** The sizeClass of a block that is closed when freed. */
        static final int UNCACHED = -1;

        final Arena arena;
        final long address;
        /** Bytes of memory: the class capacity, or the exact size of an uncached block. */
        final long capacity;
        final int sizeClass;
        /** The next block on the same list while cached. */
        Block next;

        Block(Arena arena, long address, long capacity, int sizeClass) {
            this.arena = arena;
            this.address = address;
            this.capacity = capacity;
            this.sizeClass = sizeClass;
        }
    }

    /**
     * The thread-local value, also held by every block source of the thread:
     * it is unreachable once the thread has cleared its thread locals (at its
     * end, or a common-pool worker between tasks) and no source of the thread is
     * left, that is once nothing can use the cache any more. Then the cleaner
     * runs its release, which refers to the cache but not to the anchor.
     */
    static final class Anchor {
        final BlockCache cache = new BlockCache(Thread.currentThread());

        private Anchor() {
            BlockCache toRelease = cache; // the release refers to the cache, never to the anchor
            ThreadCacheCleaner.releaseWhenUnreachable(this, toRelease.thread, toRelease::release);
        }
    }

    /** Runs on the cleaner's thread once nothing can use the cache any more (see ThreadCacheCleaner). */
    private void release() {
        closeCached();
        // Blocks still in use belong to sets dropped without close (no source is left): leaked, as
        // they would be without the cache; their budget goes back.
        RESERVED_ALL_THREADS.addAndGet(-reserved);
        reserved = 0;
        released = true;
    }
}
