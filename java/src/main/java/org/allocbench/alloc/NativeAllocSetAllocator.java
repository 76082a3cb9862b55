package org.allocbench.alloc;

import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeBlockSource;
import org.allocbench.nativecore.NativeMemoryContext;

/**
 * The native AllocSet (liballocbench, PostgreSQL 16+ layout) behind the
 * allocator interface, one FFM downcall per operation: palloc, repalloc,
 * pfree, MemoryContextReset. Handles are chunk addresses. The context object
 * is used only for what is not per-op (creation, statistics, deletion).
 */
public final class NativeAllocSetAllocator extends AbstractAllocator {

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, 8, "");

    private final NativeMemoryContext context;
    private final long address;

    public NativeAllocSetAllocator(AllocSetSizes sizes) {
        super("aset-native", CAPABILITIES);
        this.context = NativeMemoryContext.create("aset-native", sizes);
        this.address = context.address();
    }

    /**
     * The same AllocSet with its blocks from {@code source} (a shared segment's
     * pages, huge or not) instead of malloc; named apart so results never mix
     * the two. The source must outlive this allocator.
     */
    public NativeAllocSetAllocator(AllocSetSizes sizes, NativeBlockSource source) {
        super("aset-native-segment", CAPABILITIES);
        this.context = NativeMemoryContext.create("aset-native-segment", sizes, source);
        this.address = context.address();
    }

    @Override
    public String version() {
        return "liballocbench " + AllocSetNative.variant() + " layout, per-op FFM downcalls";
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return AllocSetNative.uncheckedAlloc(address, nonNegativeSize(size));
    }

    @Override
    public long allocZeroed(long size) {
        return zeroed(alloc(size), size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return AllocSetNative.uncheckedRealloc(handle, nonNegativeSize(newSize));
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        AllocSetNative.uncheckedFree(handle);
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    protected void releaseAll() {
        AllocSetNative.uncheckedReset(address);
    }

    @Override
    protected void releaseForGood() {
        context.close();
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(context.stats());
    }

    /** The context as pg_backend_memory_contexts rows (one: this context has no children). */
    public java.util.List<org.allocbench.nativecore.MemoryContextRow> rows() {
        ensureOpen();
        return context.rows();
    }

    /** The context's statistics in PostgreSQL's MemoryContextStats format. */
    public String dump() {
        ensureOpen();
        return context.dump();
    }
}
