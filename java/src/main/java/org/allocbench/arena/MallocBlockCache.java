package org.allocbench.arena;

import java.util.function.LongConsumer;

/**
 * One thread's cache of freed malloc blocks, in front of malloc for
 * {@link MallocBlockSource}: a block a set gives back (reset, pfree of a
 * dedicated chunk, delete) is kept, and the thread's next request of exactly
 * its size takes it back without a downcall and without glibc's bin search.
 *
 * <p><b>Why, and why exact sizes.</b> Where blocks come and go often the malloc
 * source measured up to 1.3x aset-native per op, while the arena source, which
 * has a cache of its own ({@link BlockCache}), was level with it. A context that
 * is reset often (per-tuple-reset: every 136 operations) frees its regular
 * blocks and mallocs the same sizes again at once; git log frees and re-mallocs
 * a dedicated block on one op in eleven, more than half of them of one size
 * (32,768-byte buffers: 32,816-byte blocks). glibc serves those sizes from its
 * unsorted and small bins (its tcache stops at 1 KiB); a LIFO list of the same
 * blocks is faster. Only exact sizes are matched, so nothing is rounded up and a
 * block is never used for a smaller request than it was made for: a first
 * version that cached by classes of four per power of two (32 MiB per thread)
 * held back memory glibc would have reused for other sizes, and large-chunks,
 * whose dedicated blocks have random sizes, took four times aset-native's page
 * faults per replay.
 *
 * <p><b>Intrusive, no Java garbage.</b> A cached block's first word links it to
 * the next one of its size; a grow-only map holds the head of each size's list.
 *
 * <p><b>Bounds.</b> Blocks from {@link #MIN_CACHED_BLOCK} to
 * {@link #MAX_CACHED_BLOCK}, of at most {@link #MAX_SIZES} different sizes, at
 * most {@link #THREAD_BUDGET} bytes per thread; a block that does not fit goes to
 * free() at once. {@link #trim} frees what is cached. Nothing is evicted: sizes
 * that never come back (large-chunks' random ones) stay until a trim, and once a
 * thread has 32 of them, blocks of new sizes go to free() as if there were no
 * cache.
 *
 * <p><b>Thread end.</b> As for {@link BlockCache}: every source of the thread
 * holds the thread-local {@link Anchor}; once the thread has cleared its
 * thread locals and no source is left, the {@link ThreadCacheCleaner} frees
 * the cached blocks (free() may be called from any thread).
 */
final class MallocBlockCache {

    /** The smallest block kept: below it (the set's 200-byte struct is not a block) glibc's tcache is fast. */
    static final long MIN_CACHED_BLOCK = 1L << 10;

    /** The largest block kept: a default context's regular blocks up to 1 MiB, and dedicated blocks as big. */
    static final long MAX_CACHED_BLOCK = 1L << 20;

    /** The most one thread keeps: eight of the largest blocks, a per-tuple context's blocks many times over. */
    static final long THREAD_BUDGET = 8L << 20;

    /** The most different sizes kept at once: a context's regular sizes and a program's favourite few. */
    static final int MAX_SIZES = 32;

    private static final ThreadLocal<Anchor> CURRENT = ThreadLocal.withInitial(Anchor::new);

    /** The thread whose cache this is: the only one that may use it. */
    final Thread thread;
    /** The head of each cached size's LIFO list (absent: none of that size). */
    private final GrowOnlyLongMap heads = new GrowOnlyLongMap(MAX_SIZES);
    /** Bytes of cached blocks. */
    private long retained;
    /** Set by the cleaner once the cache has been emptied for good. */
    private volatile boolean released;

    private MallocBlockCache(Thread thread) {
        this.thread = thread;
    }

    /** The current thread's cache's anchor: whoever uses the cache must hold it, so that it is not released. */
    static Anchor anchor() {
        return CURRENT.get();
    }

    /** The current thread's cache. */
    static MallocBlockCache current() {
        return CURRENT.get().cache;
    }

    /**
     * A cached block of exactly {@code size} bytes, taken off its list, or 0 if there is none. Its contents are
     * whatever its last user left, as malloc's are.
     */
    long take(long size) {
        if (retained == 0 || size < MIN_CACHED_BLOCK || size > MAX_CACHED_BLOCK) {
            return 0; // nothing cached, or never cached: no lookup
        }
        long block = heads.get(size);
        if (block != 0) {
            long next = OffHeap.getLong(block);
            if (next == 0) {
                heads.remove(size);
            } else {
                heads.put(size, next);
            }
            retained -= size;
        }
        return block;
    }

    /** Keeps a freed block of {@code size} bytes if its size is cached and there is room; false if not. */
    boolean keep(long block, long size) {
        if (size < MIN_CACHED_BLOCK || size > MAX_CACHED_BLOCK || retained + size > THREAD_BUDGET) {
            return false;
        }
        long head = heads.get(size);
        if (head == 0 && heads.size() >= MAX_SIZES) {
            return false;
        }
        OffHeap.setLong(block, head);
        heads.put(size, block);
        retained += size;
        return true;
    }

    /** Hands every cached block to {@code free} and empties the cache. Returns the bytes released. */
    long trim(LongConsumer free) {
        long freed = retained;
        for (long head : heads.values().toLongArray()) {
            for (long block = head; block != 0; ) {
                long next = OffHeap.getLong(block);
                free.accept(block);
                block = next;
            }
        }
        heads.clear();
        retained = 0;
        return freed;
    }

    /** Bytes of cached blocks. */
    long retainedBytes() {
        return retained;
    }

    /** True once the cleaner has freed what was cached (the thread ended or forgot the cache). */
    boolean released() {
        return released;
    }

    /**
     * The thread-local value, also held by every malloc block source of the thread: unreachable once the
     * thread has cleared its thread locals and no source of it is left, when the cleaner runs its release.
     */
    static final class Anchor {
        /**
         * How many retired sources a thread keeps for its next sets: PostgreSQL's number of deleted contexts
         * kept per size for reuse. A spare holds no block, only its (grown) map.
         */
        static final int SPARE_SOURCES = 100;

        final MallocBlockCache cache = new MallocBlockCache(Thread.currentThread());
        /** Retired sources, here and not in the cache: they refer to the anchor, and the cleaner to the cache. */
        private final MallocBlockSource[] spares = new MallocBlockSource[SPARE_SOURCES];
        private int spareCount;

        private Anchor() {
            MallocBlockCache toRelease = cache; // the release refers to the cache, never to the anchor
            ThreadCacheCleaner.releaseWhenUnreachable(this, toRelease.thread, toRelease::release);
        }

        MallocBlockSource takeSpareSource() {
            if (spareCount == 0) {
                return null;
            }
            MallocBlockSource spare = spares[--spareCount];
            spares[spareCount] = null;
            return spare;
        }

        void keepSpareSource(MallocBlockSource source) {
            if (spareCount < SPARE_SOURCES) {
                spares[spareCount++] = source;
            }
        }
    }

    /** Runs on the cleaner's thread once nothing can use the cache any more (see ThreadCacheCleaner). */
    private void release() {
        trim(MallocBlockSource::release);
        released = true;
    }
}
