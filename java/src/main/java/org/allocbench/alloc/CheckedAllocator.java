package org.allocbench.alloc;

import java.lang.foreign.MemorySegment;

/**
 * A view of an allocator that rejects misuse with clear messages before it
 * reaches native code: handles that were never handed out by this instance,
 * freed already, or from before a reset. It tracks the live set, so where the
 * allocator has no bulk release (malloc and friends) its reset and close free
 * every live allocation one by one, and the view behaves as a context. Costs a
 * hash lookup per operation, so replay runs use the raw allocator (the replay
 * loop keeps the live set itself) and validate traces up front instead.
 */
final class CheckedAllocator extends AbstractAllocator {

    private final Allocator raw;
    private final LivePointers live;

    CheckedAllocator(Allocator raw) {
        super(raw.name(), viewCapabilities(raw.capabilities()));
        this.raw = raw;
        this.live = new LivePointers(raw.name());
    }

    @Override
    public String version() {
        return raw.version();
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return tracked(raw.alloc(nonNegativeSize(size)));
    }

    @Override
    public long allocZeroed(long size) {
        ensureOpen();
        return tracked(raw.allocZeroed(nonNegativeSize(size)));
    }

    private long tracked(long handle) {
        live.add(handle);
        return handle;
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        live.requireLive(handle);
        long moved = raw.resize(handle, oldSize, nonNegativeSize(newSize));
        live.remove(handle);
        return tracked(moved);
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        if (!capabilities().individualFree()) {
            throw new UnsupportedOperationException(name() + " cannot free single allocations: " + capabilities().note());
        }
        live.remove(handle);
        raw.free(handle);
    }

    @Override
    public long address(long handle) {
        ensureOpen();
        live.requireLive(handle);
        return raw.address(handle);
    }

    @Override
    public MemorySegment memory(long handle, long size) {
        ensureOpen();
        live.requireLive(handle);
        return raw.memory(handle, size);
    }

    @Override
    public void writeByte(long handle, long offset, byte value) {
        ensureOpen();
        live.requireLive(handle);
        raw.writeByte(handle, offset, value);
    }

    @Override
    public boolean nativeMemory() {
        return raw.nativeMemory();
    }

    @Override
    protected void releaseAll() {
        freeLiveUnlessBulk();
        raw.reset();
    }

    @Override
    protected void releaseForGood() {
        freeLiveUnlessBulk();
        raw.close();
    }

    /** Frees every tracked allocation if the allocator's own reset would not; forgets them in any case. */
    private void freeLiveUnlessBulk() {
        Capabilities c = capabilities();
        live.releaseAll(c.bulkReset() || !c.individualFree() ? handle -> { } : raw::free);
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return raw.stats();
    }

    /** The raw allocator's, except that the view's own table of live handles is not thread-safe. */
    private static Capabilities viewCapabilities(Capabilities raw) {
        return raw.sharing() == Capabilities.Sharing.CONCURRENT ? raw.withSharing(Capabilities.Sharing.SERIAL) : raw;
    }

    /** A checked view of a new child of the raw allocator (each context tracks its own live handles). */
    @Override
    public Allocator child(String contextName, long minContextSize, long initBlockSize, long maxBlockSize) {
        ensureOpen();
        return new CheckedAllocator(raw.child(contextName, minContextSize, initBlockSize, maxBlockSize));
    }

    @Override
    public Allocator checked() {
        return this;
    }
}
