package org.allocbench.arena;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import org.allocbench.arena.BlockCache.Block;

/**
 * Where a {@link JavaAllocSet}'s blocks come from: the Java counterpart of the
 * native block source ({@code malloc}/{@code realloc}/{@code free} in
 * {@code native/src/block_source.c}).
 *
 * <p>Every block is a segment of its own arena: an arena can only be freed as
 * a whole, so one arena per block is what lets a dedicated block go back on
 * pfree while its neighbours stay. Blocks are known by address only; a
 * primitive map (fastutil, no boxing) from block address to its {@link Block}
 * (arena, memory, size class) finds what to give back. The map is touched only
 * when a block is taken or freed, never on a chunk operation.
 *
 * <p><b>Freed blocks are kept for reuse</b>, as malloc keeps freed chunks in its
 * free lists: a block this source frees goes to the current thread's
 * {@link BlockCache} (bounded: {@link BlockCache#THREAD_BUDGET} per thread,
 * blocks up to {@link BlockCache#MAX_CACHED_BLOCK}), and a block request takes
 * a cached block of its size class before it creates an arena. A new arena
 * costs a few small objects and the JDK's zero-fill of the whole block
 * ({@link java.lang.foreign.Arena#allocate} has no way around it); a cached
 * block costs neither. The memory of a cached block may be rounded up to its
 * class, but a block is always accounted at the size asked for (the set keeps
 * {@code endptr - block} exactly that), so statistics are what they would be
 * without the cache. {@link #trimCurrentThread()} releases what the current
 * thread has cached; what a thread has cached is released after it ends (see
 * {@link BlockCache}).
 *
 * <p>Blocks are not zeroed, as malloc's are not: a cached block comes back as
 * its last user left it (a new one is zeroed by the JDK, which is the price
 * this source exists to show).
 *
 * <p>A source belongs to the thread that creates it, as its set does, and uses
 * that thread's cache; other threads are refused. {@link #realloc} keeps a
 * block where it is when the new size has the same class (the memory is
 * there), otherwise it moves: take, copy the smaller of the two sizes, free.
 *
 * <p>{@link #trimCurrentThread()} is public so that a benchmark or an
 * application can drop a thread's cached blocks between phases; the rest is
 * package-private.
 */
public final class ArenaBlockSource implements BlockSource {

    private final Long2ObjectOpenHashMap<Block> blocks = new Long2ObjectOpenHashMap<>();
    /** Held so that the cache is not released while this source may still use it (see BlockCache). */
    private final BlockCache.Anchor anchor = BlockCache.anchor();
    private final BlockCache cache = anchor.cache;

    ArenaBlockSource() {
    }

    /**
     * Closes the blocks the current thread has cached (those in use stay) and
     * returns how many bytes of memory that released. Blocks freed afterwards
     * are cached again. Each close is a shared arena's (a handshake with every
     * thread, some 20 µs), so this is for phase changes, not for hot loops.
     */
    public static long trimCurrentThread() {
        return BlockCache.current().trim();
    }

    /** Bytes of memory the current thread's cache holds (for tests and diagnostics). */
    static long retainedBytesOfCurrentThread() {
        return BlockCache.current().retainedBytes();
    }

    /**
     * A block of {@code size} bytes (8-byte aligned; a cached one not zeroed), or 0 if out of memory.
     */
    @Override
    public long alloc(long size) {
        checkThread();
        if (size <= 0) {
            return 0; // an overflowed size computation: no machine has that much
        }
        Block block = cache.reuse(size);
        if (block == null) {
            block = cache.create(size); // zeroed by the JDK
            if (block == null) {
                return 0;
            }
        }
        blocks.put(block.address, block);
        return block.address;
    }

    /** Gives a block back (its size is in the source's record). False if it is not one of ours. */
    @Override
    public boolean free(long block, long size) {
        checkThread();
        Block freed = blocks.remove(block);
        if (freed == null) {
            return false;
        }
        cache.giveBack(freed);
        return true;
    }

    /**
     * The block resized to {@code newSize} bytes, the first {@code min(oldSize,
     * newSize)} bytes kept: in place if its memory has the new size's class (or
     * the size is the same), else moved and the old one freed; or 0 if out of
     * memory, the old block untouched.
     */
    @Override
    public long realloc(long block, long oldSize, long newSize) {
        checkThread();
        if (newSize == oldSize) {
            return block;
        }
        Block current = blocks.get(block);
        if (current != null && current.sizeClass != Block.UNCACHED && newSize > 0
                && newSize <= BlockCache.MAX_CACHED_BLOCK && BlockCache.sizeClass(newSize) == current.sizeClass) {
            return block;
        }
        long moved = alloc(newSize);
        if (moved == 0) {
            return 0;
        }
        OffHeap.copy(block, moved, Math.min(oldSize, newSize));
        free(block, oldSize);
        return moved;
    }

    /** Whether {@code block} is a live block of this source. */
    @Override
    public boolean owns(long block) {
        return blocks.containsKey(block);
    }

    /** Blocks currently held. */
    @Override
    public int size() {
        return blocks.size();
    }

    /** Frees every block (after an error left the set unusable, or at close). */
    @Override
    public void freeAll() {
        checkThread();
        for (Block block : blocks.values()) {
            cache.giveBack(block);
        }
        blocks.clear();
    }

    private void checkThread() {
        BlockSource.checkThread(cache.thread);
    }
}
