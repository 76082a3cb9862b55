package org.allocbench.alloc;

import java.lang.invoke.MethodHandle;
import org.allocbench.nativecore.Downcalls;

/**
 * mimalloc's heap API as a true bulk-release context, name {@value #NAME}:
 * {@code mi_heap_new} at creation, {@code mi_heap_malloc} /
 * {@code mi_heap_zalloc} / {@code mi_heap_realloc}, free is {@code mi_free},
 * reset is {@code mi_heap_destroy} of the heap plus a fresh {@code mi_heap_new}
 * (destroy releases all the heap's pages at once, without freeing each block),
 * close is {@code mi_heap_destroy}. Handles are the pointers. Obtain instances
 * from {@link NativePeers#mimallocHeapFactory()}.
 *
 * <p><b>Threads.</b> A mimalloc heap belongs to the OS thread that created it:
 * only that thread may allocate in it, resize in it, or destroy it
 * ({@code mi_free} of its blocks is fine from any thread). An instance
 * remembers its creating thread and every operation but free checks it
 * (a reference compare), turning what would be silent heap corruption into an
 * {@link IllegalStateException}. Creating an instance on a virtual thread is
 * refused: a virtual thread may move to another carrier (OS) thread. When the
 * creating thread ends, mimalloc itself deletes its heaps (live blocks move to
 * the thread's backing heap, they are not freed); close the instance before
 * that. Closing from another thread after the owner ended does nothing native,
 * for the heap is gone already; while the owner lives it throws, and the heap
 * is left alone (leaked) rather than destroyed from the wrong thread.
 *
 * <p><b>Misuse.</b> mimalloc has no cheap check that a pointer is a live block
 * of a heap, so the raw instance trusts its caller: a foreign or double free,
 * or a handle from before a reset, is undefined behaviour in native code, as
 * with {@code mi_free} itself. Use {@link Allocator#checked()} (tests,
 * validation runs) to have such handles rejected with
 * {@link IllegalArgumentException} first.
 *
 * <p>A request of 0 bytes is passed on as 1 byte (as in
 * {@link MallocFamilyAllocator}), negative sizes are rejected, NULL is an
 * {@link OutOfMemoryError} naming the allocator and size. Blocks of 8 bytes or
 * less are 8-byte aligned (mimalloc's smallest size class), larger ones 16.
 * {@link #stats()} is unknown: mimalloc keeps no per-heap byte counts that are
 * cheap to read. Handles are {@code static final} (JIT constants), linked
 * {@code critical(false)}: these calls are short and never call back into Java.
 */
public final class MimallocHeapAllocator extends AbstractAllocator {

    /** The allocator's name in results and on the command line. */
    public static final String NAME = "mimalloc-heap";

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, false, 8,
            "heap per instance (mi_heap_destroy on reset); blocks of 8 bytes or less are only 8-byte aligned;"
                    + " raw instance does not detect foreign or double frees");

    private final Thread owner;
    private long heap;
    private long heapGeneration;

    /** A fresh heap owned by the calling (platform) thread. */
    MimallocHeapAllocator() {
        super(NAME, CAPABILITIES);
        Thread current = Thread.currentThread();
        if (current.isVirtual()) {
            throw new IllegalStateException(NAME + ": mimalloc heaps belong to an OS thread; create and use this"
                    + " allocator on a platform thread, not on virtual thread " + current);
        }
        this.owner = current;
        this.heap = newHeap();
    }

    @Override
    public String version() {
        return Native.B.version();
    }

    @Override
    public long alloc(long size) {
        return heapAlloc(size, false);
    }

    @Override
    public long allocZeroed(long size) {
        return heapAlloc(size, true);
    }

    /** mi_heap_zalloc or mi_heap_malloc; every caller passes a constant, so the JIT keeps one call, not a branch. */
    private long heapAlloc(long size, boolean zeroed) {
        ensureOpen();
        ensureOwner();
        long request = mallocRequest(size);
        long pointer;
        try {
            pointer = zeroed ? (long) Native.HEAP_ZALLOC.invokeExact(heap, request)
                    : (long) Native.HEAP_MALLOC.invokeExact(heap, request);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return orOutOfMemory(pointer, size);
    }

    /** On NULL the old block is untouched and still live. */
    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        ensureOwner();
        long request = mallocRequest(newSize);
        long moved;
        try {
            moved = (long) Native.HEAP_REALLOC.invokeExact(heap, handle, request);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return orOutOfMemory(moved, newSize);
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        try {
            Native.FREE.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public long address(long handle) {
        ensureOpen();
        return handle;
    }

    /** A fresh heap first (so a failure leaves the old one intact), then the old one destroyed. */
    @Override
    protected void releaseAll() {
        ensureOwner();
        long fresh = newHeap();
        destroy(heap);
        heap = fresh;
        heapGeneration++;
    }

    @Override
    protected void releaseForGood() {
        long old = heap;
        heap = 0;
        if (Thread.currentThread() != owner) {
            if (!owner.isAlive()) {
                return; // mimalloc deleted the heap when its thread ended
            }
            throw new IllegalStateException(NAME + ": closed on thread " + Thread.currentThread().getName()
                    + " but its heap belongs to thread " + owner.getName()
                    + "; the heap is left alone (leaked), as destroying it from another thread would corrupt it");
        }
        destroy(old);
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.UNKNOWN;
    }

    /** The current {@code mi_heap_t *} (for tests). */
    long heapAddress() {
        return heap;
    }

    /** How many times reset replaced the heap (for tests). */
    long heapGeneration() {
        return heapGeneration;
    }

    private void ensureOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(NAME + ": used on thread " + Thread.currentThread().getName()
                    + " but its heap belongs to thread " + owner.getName() + " (mimalloc heaps are thread-local)");
        }
    }

    private static long newHeap() {
        long created;
        try {
            created = (long) Native.HEAP_NEW.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (created == 0) {
            throw new OutOfMemoryError(NAME + ": out of memory creating a heap (mi_heap_new returned NULL)");
        }
        return created;
    }

    private static void destroy(long heap) {
        try {
            Native.HEAP_DESTROY.invokeExact(heap);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The linked heap API; initialised with the first instance, which exists only once mimalloc is known available. */
    private static final class Native {
        static final NativePeers.HeapBindings B = NativePeers.requireMimallocHeap();
        static final MethodHandle HEAP_NEW = B.heapNew();
        static final MethodHandle HEAP_MALLOC = B.heapMalloc();
        static final MethodHandle HEAP_ZALLOC = B.heapZalloc();
        static final MethodHandle HEAP_REALLOC = B.heapRealloc();
        static final MethodHandle HEAP_DESTROY = B.heapDestroy();
        static final MethodHandle FREE = B.free();
    }
}
