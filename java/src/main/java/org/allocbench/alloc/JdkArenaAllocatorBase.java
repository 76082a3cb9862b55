package org.allocbench.alloc;

import java.lang.foreign.MemorySegment;
import org.allocbench.nativecore.AddressSpace;

/**
 * What the JDK-arena peers share: an arena hands out zeroed memory and frees
 * only as a whole, so zeroed allocation is plain allocation, resize is
 * allocate + copy, and a single free is refused with the reason (replayers
 * skip frees for these and results carry the capability note).
 */
abstract class JdkArenaAllocatorBase extends AbstractAllocator {


    /** Why {@link #free} refuses, for the exception and the capability note. */
    protected abstract String noFreeNote();

    /** The same as {@link #alloc}: JDK arenas always hand out zeroed memory. */
    @Override
    public final long allocZeroed(long size) {
        return alloc(size);
    }

    @Override
    public final long resize(long handle, long oldSize, long newSize) {
        long moved = alloc(newSize);
        long keep = Math.min(oldSize, newSize);
        if (keep > 0) {
            MemorySegment.copy(AddressSpace.ALL, handle, AddressSpace.ALL, moved, keep);
        }
        return moved;
    }

    /** Always throws: the memory is freed only with its arena, at reset. */
    @Override
    public final void free(long handle) {
        ensureOpen();
        throw new UnsupportedOperationException(name() + ": " + noFreeNote());
    }

    @Override
    public final long address(long handle) {
        ensureOpen();
        return handle;
    }
}
