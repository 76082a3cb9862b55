package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Blocks from the C library's malloc, realloc and free, one FFM downcall per
 * block: the very calls the C AllocSet makes, with the same sizes in the same
 * order. No zero-fill (the JDK's {@code Arena.allocate} always zeroes, which is
 * what made large blocks cost the Java set a page fault and a memset each),
 * glibc's free lists reusing freed blocks of any size, and realloc growing a
 * block in place where the heap lets it.
 *
 * <p><b>Nothing in front of malloc, on purpose.</b> glibc's speed on a trace
 * depends on the whole sequence of calls it sees: what it keeps free, where,
 * and when it makes or unmaps a heap. A source that makes exactly the calls the
 * C set makes puts both sets on the same glibc heap, so what differs between
 * them is the language and the binding, which is the comparison. Two layers
 * that were here until 2026-12-06 broke that and were removed after they were
 * measured side by side (JMH, large-chunks, 6 forks per lane):
 * <ul>
 * <li>a per-thread cache of freed blocks of exact sizes (1 KiB to 1 MiB, 32
 * sizes, 8 MiB). On large-chunks, whose dedicated blocks have random sizes,
 * it held 32 sizes that never came back; glibc then worked around them, and in
 * some forks made and unmapped whole heaps ({@code alloc_new_heap}, TLB
 * flushes in the profile): 34.5 ns/op with it, 30.3 without (aset-native
 * 26-34 on that host). Where it was meant to help it no longer did:
 * per-tuple-reset 8.38 vs 8.36 ns/op, git log 28.6 vs 28.6, sqlite 15.9 vs
 * 15.7;
 * <li>a map of live blocks (address to size), 1-2 ns per dedicated block op
 * (five lookups per block's life). The set knows every block's size (its header's
 * endptr) and passes it to {@link #free}.
 * </ul>
 *
 * <p><b>What that gives up.</b> The source keeps no record of its blocks, as
 * malloc keeps none for the C set: it cannot tell a block of its own from any
 * other address ({@link #owns} answers true, and the set's own checks, the
 * owner word and freeptr == endptr of a dedicated block, are all there is, as
 * in C), and {@link #freeAll} has nothing to free that the set's block list
 * does not name. {@link #size} counts the blocks handed out and not given back.
 */
public final class MallocBlockSource implements BlockSource {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = downcall("malloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle REALLOC = downcall("realloc",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(ADDRESS));

    /**
     * Blocks handed out and not given back. Plain: the source is used by one thread at a time, its set's (any
     * thread: malloc is thread-safe, and the set's callers order its uses).
     */
    private int live;

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
            live++;
        }
        return block;
    }

    /** free(block): the size is not needed (malloc knows it) and not checked. Always true. */
    @Override
    public boolean free(long block, long size) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(block));
        } catch (Throwable t) {
            throw new IllegalStateException("free failed to run: " + t, t);
        }
        live--;
        return true;
    }

    @Override
    public long realloc(long block, long oldSize, long newSize) {
        if (newSize == oldSize) {
            return block;
        }
        if (newSize <= 0) {
            return 0;
        }
        try {
            return ((MemorySegment) REALLOC.invokeExact(MemorySegment.ofAddress(block), newSize)).address();
        } catch (Throwable t) {
            throw new IllegalStateException("realloc failed to run: " + t, t);
        }
    }

    /** True: malloc keeps no record this source could look in (see the class comment). */
    @Override
    public boolean owns(long block) {
        return true;
    }

    @Override
    public int size() {
        return live;
    }

    /** Nothing: the set's block list is the only record of its blocks, as the C set's is. */
    @Override
    public void freeAll() {
    }
}
