package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import it.unimi.dsi.fastutil.longs.LongIterator;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
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
 * <p>A block is a few KiB at least, so the downcall (tens of ns) is small
 * beside what fills it; the chunk operations never leave Java. Live blocks are
 * kept in a primitive set (fastutil) so that a pointer this source did not
 * hand out is refused and {@link #freeAll} leaks nothing.
 */
final class MallocBlockSource implements BlockSource {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = downcall("malloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle REALLOC = downcall("realloc",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(ADDRESS));

    /**
     * What the live-block set is sized for, and never shrinks below: fastutil halves a set whose size falls
     * under a quarter of its capacity, and a context whose dedicated blocks come and go in tens (large-chunks)
     * then rehashed tens of times per 100,000 ops, each a new array, 8 KB of garbage per replay where the C
     * AllocSet makes none. 64 (a 1 KiB table) covers a DEFAULT context's blocks up to 64 MiB held.
     */
    private static final int EXPECTED_BLOCKS = 64;

    private final LongOpenHashSet blocks = new LongOpenHashSet(EXPECTED_BLOCKS);
    private final Thread thread = Thread.currentThread();

    MallocBlockSource() {
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
        long block;
        try {
            block = ((MemorySegment) MALLOC.invokeExact(size)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("malloc failed to run: " + t, t);
        }
        if (block != 0) {
            blocks.add(block);
        }
        return block;
    }

    @Override
    public boolean free(long block) {
        checkThread();
        if (!blocks.remove(block)) {
            return false;
        }
        release(block);
        return true;
    }

    @Override
    public long realloc(long block, long oldSize, long newSize) {
        checkThread();
        if (newSize == oldSize) {
            return block;
        }
        if (newSize <= 0 || !blocks.contains(block)) {
            return 0;
        }
        long moved;
        try {
            moved = ((MemorySegment) REALLOC.invokeExact(MemorySegment.ofAddress(block), newSize)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("realloc failed to run: " + t, t);
        }
        if (moved != 0 && moved != block) {
            blocks.remove(block);
            blocks.add(moved);
        }
        return moved;
    }

    @Override
    public boolean owns(long block) {
        return blocks.contains(block);
    }

    @Override
    public int size() {
        return blocks.size();
    }

    @Override
    public void freeAll() {
        checkThread();
        for (LongIterator it = blocks.iterator(); it.hasNext(); ) {
            release(it.nextLong());
        }
        blocks.clear();
    }

    private static void release(long block) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(block));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed to run: " + t, t);
        }
    }

    private void checkThread() {
        BlockSource.checkThread(thread);
    }
}
