package org.allocbench.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.allocbench.alloc.AbstractAllocator;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;

/**
 * An allocator for the threaded replay's tests that checks, from any thread,
 * what the format's ordering promises: a free or resize only of a chunk that
 * is live in this very context (so never before its allocation, never twice,
 * never in the wrong context); for {@code PER_CONTEXT}, never two threads in
 * one context at once; for {@code SERIAL}, never two threads in the tree at
 * once. What it finds wrong goes to {@link #violations} (shared by the tree).
 * Also records which threads ran ops. Handles are unique; their memory is 64
 * bytes in a ring of a private buffer (sizes must stay within 64).
 */
final class OrderCheckingAllocator extends AbstractAllocator {

    private static final int RING = 4096;
    private static final long CELL = 64;

    final List<String> violations;
    final Set<Thread> opThreads;
    private final MemorySegment buffer;
    private final AtomicLong nextHandle;
    private final Set<Long> live = ConcurrentHashMap.newKeySet();
    private final List<OrderCheckingAllocator> children = new CopyOnWriteArrayList<>();
    /** Threads inside this context now (PER_CONTEXT), or inside the tree (SERIAL: the root's counter). */
    private final AtomicInteger inside;

    OrderCheckingAllocator(boolean contextTree, Capabilities.Sharing sharing) {
        super("order-check", new Capabilities(true, true, contextTree, false, 16, "", contextTree, sharing));
        this.violations = new CopyOnWriteArrayList<>();
        this.opThreads = ConcurrentHashMap.newKeySet();
        this.buffer = Arena.ofAuto().allocate(RING * CELL, 16);
        this.nextHandle = new AtomicLong(1);
        this.inside = new AtomicInteger();
    }

    private OrderCheckingAllocator(OrderCheckingAllocator parent) {
        super("order-check", parent.capabilities());
        this.violations = parent.violations;
        this.opThreads = parent.opThreads;
        this.buffer = parent.buffer;
        this.nextHandle = parent.nextHandle;
        this.inside = parent.capabilities().sharing() == Capabilities.Sharing.SERIAL ? parent.inside
                : new AtomicInteger();
    }

    /** How many chunks are live in this context and its descendants. */
    int liveCount() {
        int n = live.size();
        for (OrderCheckingAllocator c : children) {
            n += c.liveCount();
        }
        return n;
    }

    private void enter(String what) {
        opThreads.add(Thread.currentThread());
        if (capabilities().sharing() != Capabilities.Sharing.CONCURRENT && inside.getAndIncrement() != 0) {
            violations.add(what + " while another thread was in the context (" + Thread.currentThread().getName()
                    + ")");
        }
    }

    private void leave() {
        if (capabilities().sharing() != Capabilities.Sharing.CONCURRENT) {
            inside.decrementAndGet();
        }
    }

    private long take(long size) {
        if (size > CELL) {
            throw new AssertionError("sizes must stay within " + CELL);
        }
        long handle = nextHandle.getAndIncrement();
        live.add(handle);
        return handle;
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public long alloc(long size) {
        enter("alloc");
        try {
            return take(size);
        } finally {
            leave();
        }
    }

    @Override
    public long allocZeroed(long size) {
        return alloc(size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        enter("resize");
        try {
            if (!live.remove(handle)) {
                violations.add("resize of chunk " + handle + ", not live in this context");
            }
            return take(newSize);
        } finally {
            leave();
        }
    }

    @Override
    public void free(long handle) {
        enter("free");
        try {
            if (!live.remove(handle)) {
                violations.add("free of chunk " + handle + ", not live in this context");
            }
        } finally {
            leave();
        }
    }

    @Override
    public long address(long handle) {
        return buffer.address() + (handle % RING) * CELL;
    }

    @Override
    public Allocator child(String name, long minContextSize, long initBlockSize, long maxBlockSize) {
        if (!capabilities().contextTree()) {
            return super.child(name, minContextSize, initBlockSize, maxBlockSize);
        }
        enter("create");
        try {
            OrderCheckingAllocator child = new OrderCheckingAllocator(this);
            children.add(child);
            return child;
        } finally {
            leave();
        }
    }

    @Override
    protected void releaseAll() {
        if (capabilities().bulkReset()) {
            dropChildren();
            live.clear();
        }
    }

    @Override
    protected void releaseForGood() {
        releaseAll();
    }

    private void dropChildren() {
        for (OrderCheckingAllocator c : children) {
            c.close();
        }
        children.clear();
    }

    @Override
    public AllocatorStats stats() {
        return AllocatorStats.UNKNOWN;
    }
}
