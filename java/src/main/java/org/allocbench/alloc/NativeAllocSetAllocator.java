package org.allocbench.alloc;

import java.lang.foreign.MemorySegment;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeMemoryContext;

/**
 * The native AllocSet (liballocbench, PostgreSQL 16+ layout) behind the
 * allocator interface, one FFM downcall per operation: palloc, repalloc,
 * pfree, MemoryContextReset. Handles are chunk addresses. The context object
 * is used only for what is not per-op (creation, statistics, deletion).
 */
public final class NativeAllocSetAllocator extends AbstractAllocator {

    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, 8, "");

    private final NativeMemoryContext context;
    private final long address;

    public NativeAllocSetAllocator(AllocSetSizes sizes) {
        this.context = NativeMemoryContext.create("aset-native", sizes);
        this.address = context.address();
    }

    @Override
    public String name() {
        return "aset-native";
    }

    @Override
    public String version() {
        return "liballocbench " + AllocSetNative.variant() + " layout, per-op FFM downcalls";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return AllocSetNative.uncheckedAlloc(address, checkSize(size));
    }

    @Override
    public long allocZeroed(long size) {
        long pointer = alloc(size);
        EVERYTHING.asSlice(pointer, size).fill((byte) 0);
        return pointer;
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return AllocSetNative.uncheckedRealloc(handle, checkSize(newSize));
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
        MemoryContextCounters c = context.stats();
        return AllocatorStats.of(c.totalBytes(), c.blocks(), c.freeChunks(), c.freeBytes(), c.usedBytes());
    }

    /** The context's statistics in PostgreSQL's MemoryContextStats format. */
    public String dump() {
        ensureOpen();
        return context.dump();
    }

    /** size_t cannot say -1: a negative request is refused here in PostgreSQL's words. */
    private static long checkSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
        return size;
    }
}
