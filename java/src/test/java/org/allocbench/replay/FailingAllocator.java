package org.allocbench.replay;

import java.util.concurrent.atomic.AtomicInteger;
import org.allocbench.alloc.AbstractAllocator;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;

/** Another allocator, except that its {@code failAt}-th allocation (counted over all threads) throws. */
final class FailingAllocator extends AbstractAllocator {
    private final Allocator inner;
    private final AtomicInteger allocs;
    private final int failAt;
    private final RuntimeException failure;

    FailingAllocator(Allocator inner, AtomicInteger allocs, int failAt, RuntimeException failure) {
        super(inner.name(), inner.capabilities());
        this.inner = inner;
        this.allocs = allocs;
        this.failAt = failAt;
        this.failure = failure;
    }

    @Override
    public String version() {
        return inner.version();
    }

    @Override
    public long alloc(long size) {
        if (allocs.incrementAndGet() == failAt) {
            throw failure;
        }
        return inner.alloc(size);
    }

    @Override
    public long allocZeroed(long size) {
        return alloc(size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        return inner.resize(handle, oldSize, newSize);
    }

    @Override
    public void free(long handle) {
        inner.free(handle);
    }

    @Override
    public long address(long handle) {
        return inner.address(handle);
    }

    @Override
    protected void releaseAll() {
        inner.reset();
    }

    @Override
    protected void releaseForGood() {
        inner.close();
    }

    @Override
    public AllocatorStats stats() {
        return inner.stats();
    }
}
