package org.allocbench.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import org.allocbench.alloc.AbstractAllocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;

/**
 * An allocator without contexts that records what a replay asks of it: its live chunks (a free or resize of
 * one that is not live fails the test at once), and how many frees and resets it got. Hands out distinct
 * addresses in a private buffer, so the replay's touches land somewhere real.
 */
final class TreeRecorder extends AbstractAllocator {
    final Set<Long> live = new HashSet<>();
    final MemorySegment buffer = Arena.ofAuto().allocate(1 << 20, 16);
    int frees;
    int resets;
    private long next;

    TreeRecorder(boolean individualFree, boolean bulkReset) {
        super("recorder", new Capabilities(individualFree, true, bulkReset, false, 16, ""));
    }

    private long take(long size) {
        long at = buffer.address() + (next % ((1 << 20) - 4096));
        next += (size + 15) & -16;
        live.add(at);
        return at;
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public long alloc(long size) {
        return take(size);
    }

    @Override
    public long allocZeroed(long size) {
        return take(size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        if (!live.remove(handle)) {
            throw new AssertionError("resize of a chunk that is not live");
        }
        return take(newSize);
    }

    @Override
    public void free(long handle) {
        frees++;
        if (!live.remove(handle)) {
            throw new AssertionError("free of a chunk that is not live: 0x" + Long.toHexString(handle));
        }
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    protected void releaseAll() {
        resets++;
        if (capabilities().bulkReset()) {
            live.clear();
        }
    }

    @Override
    protected void releaseForGood() {
        if (capabilities().bulkReset()) {
            live.clear();
        }
    }

    @Override
    public AllocatorStats stats() {
        return AllocatorStats.UNKNOWN;
    }
}
