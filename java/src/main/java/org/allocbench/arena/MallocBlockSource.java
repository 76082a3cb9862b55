package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import it.unimi.dsi.fastutil.longs.Long2LongMap;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Blocks from the C library's malloc, realloc and free, one FFM
 * downcall per block, exactly as the C AllocSet gets them: no zero-fill (the
 * JDK's {@code Arena.allocate} always zeroes, which is what made large blocks
 * cost the Java set a page fault and a memset each), glibc's free lists reusing
 * freed blocks of any size, and realloc growing a block in place where the
 * heap lets it.
 *
 * <p>Freed blocks of 1 KiB to 1 MiB go to the thread's {@link MallocBlockCache}
 * (at most 8 MiB of them, of 32 sizes) and the next request of exactly their
 * size takes them back without a downcall; the rest go to free() at once. The
 * chunk operations never leave Java. Live blocks are kept in a primitive map
 * (fastutil) from address to size, so that a pointer this source did not hand
 * out is refused, a freed block goes to the right list, and {@link #freeAll}
 * leaks nothing. A deleted set's source serves the thread's next set
 * ({@link #retire}).
 *
 * <p>{@link #trimCurrentThread()} is public so that a benchmark or an application
 * can give a thread's cached blocks back to malloc between phases.
 */
public final class MallocBlockSource implements BlockSource {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = downcall("malloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle REALLOC = downcall("realloc",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(ADDRESS));

    /**
     * What the live-block map is sized for at first: a DEFAULT context's blocks up to 64 MiB held (a 2 KiB
     * table). It grows as a context's dedicated blocks do and never shrinks (see {@link GrowOnlyLongMap}).
     */
    private static final int EXPECTED_BLOCKS = 64;

    /** Live blocks: address to size. */
    private final GrowOnlyLongMap blocks = new GrowOnlyLongMap(EXPECTED_BLOCKS);
    /** Held so that the cache is not released while this source may still use it (see MallocBlockCache). */
    private final MallocBlockCache.Anchor anchor;
    private final MallocBlockCache cache;

    private MallocBlockSource(MallocBlockCache.Anchor anchor) {
        this.anchor = anchor;
        this.cache = anchor.cache;
    }

    /** A source for a new set on the current thread: a retired one of this thread if there is one. */
    static MallocBlockSource open() {
        MallocBlockCache.Anchor anchor = MallocBlockCache.anchor();
        MallocBlockSource spare = anchor.takeSpareSource();
        return spare != null ? spare : new MallocBlockSource(anchor);
    }

    /**
     * Frees the blocks the current thread has cached (those in use stay) and returns how many bytes that gave
     * back to malloc. Blocks freed afterwards are cached again.
     */
    public static long trimCurrentThread() {
        return MallocBlockCache.current().trim(MallocBlockSource::release);
    }

    /** Bytes the current thread's cache holds (for tests and diagnostics). */
    static long retainedBytesOfCurrentThread() {
        return MallocBlockCache.current().retainedBytes();
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        // critical: no thread-state transition (a few ns instead of tens); these calls return in
        // microseconds at most (no lock held for long, sizes below glibc's pinned 32 MiB mmap threshold come
        // from the heap), which is what a critical downcall asks of its callee
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false));
    }

    @Override
    public long alloc(long size) {
        checkThread();
        if (size <= 0) {
            return 0; // an overflowed size computation: no machine has that much
        }
        long block = cache.take(size);
        if (block == 0) {
            try {
                block = ((MemorySegment) MALLOC.invokeExact(size)).address();
            } catch (Throwable t) {
                throw new IllegalStateException("malloc failed to run: " + t, t);
            }
        }
        if (block != 0) {
            blocks.put(block, size);
        }
        return block;
    }

    @Override
    public boolean free(long block) {
        checkThread();
        long size = blocks.remove(block); // 0 (the default value) if it is not ours: a live block has a size
        if (size == 0) {
            return false;
        }
        giveBack(block, size);
        return true;
    }

    @Override
    public long realloc(long block, long oldSize, long newSize) {
        checkThread();
        if (newSize == oldSize) {
            return block;
        }
        if (newSize <= 0 || !blocks.containsKey(block)) {
            return 0;
        }
        long moved;
        try {
            moved = ((MemorySegment) REALLOC.invokeExact(MemorySegment.ofAddress(block), newSize)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("realloc failed to run: " + t, t);
        }
        if (moved != 0) {
            if (moved != block) {
                blocks.remove(block);
            }
            blocks.put(moved, newSize); // in place: only the size changes
        }
        return moved;
    }

    @Override
    public boolean owns(long block) {
        return blocks.containsKey(block);
    }

    @Override
    public int size() {
        return blocks.size();
    }

    @Override
    public void freeAll() {
        checkThread();
        if (blocks.isEmpty()) {
            return; // the usual case at delete: the set has freed its list; no iterator made
        }
        for (Long2LongMap.Entry entry : blocks.long2LongEntrySet()) {
            giveBack(entry.getLongKey(), entry.getLongValue());
        }
        blocks.clear();
    }

    /**
     * The set is deleted: an empty source goes to its thread's spares, for the next set. Its map is then not
     * made again: 2 KiB per context, which measured 1.2x on pgbench-select, whose backend makes and deletes a
     * context every 54 operations (PostgreSQL itself keeps deleted contexts for reuse, for the same reason).
     */
    @Override
    public void retire() {
        checkThread();
        if (blocks.isEmpty()) {
            anchor.keepSpareSource(this);
        }
    }

    private void giveBack(long block, long size) {
        if (!cache.keep(block, size)) {
            release(block);
        }
    }

    /** free(block). */
    static void release(long block) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(block));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed to run: " + t, t);
        }
    }

    private void checkThread() {
        BlockSource.checkThread(cache.thread);
    }
}
