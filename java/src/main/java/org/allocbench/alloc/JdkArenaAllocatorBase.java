package org.allocbench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.allocbench.nativecore.AddressSpace;

/**
 * What the JDK-arena peers share: an arena hands out zeroed memory and frees
 * only as a whole, so zeroed allocation is plain allocation, resize is
 * allocate + copy, a single free is refused with the reason (replayers skip
 * frees for these and results carry the capability note), and reset and close
 * both close the arena. The arena is opened by the first allocation after
 * creation or reset, so it is confined to the thread that drives the instance;
 * reset and close must come from that thread too (the JDK throws
 * {@code WrongThreadException}).
 */
abstract class JdkArenaAllocatorBase extends AbstractAllocator {

    /** Every allocation is at least 8-aligned (the JDK's malloc path gives 16; we promise what we ask for). */
    static final long ALIGNMENT = 8;

    /** Why {@link #free} refuses, for the exception and the capability note. */
    private final String noFreeNote;
    /** Null until the first allocation after creation or reset. */
    private Arena arena;

    /**
     * {@code noFreeNote} says why a single free is refused; the capability note is it followed by
     * {@code moreNote}. No bulk-free or native-resize capability; bulk reset; 8-byte alignment.
     */
    protected JdkArenaAllocatorBase(String name, boolean reportsStats, String noFreeNote, String moreNote) {
        super(name, new Capabilities(false, false, true, reportsStats, ALIGNMENT, noFreeNote + moreNote));
        this.noFreeNote = noFreeNote;
    }

    /** The current arena, opened now if there is none. */
    protected final Arena arena() {
        Arena current = arena;
        if (current == null) {
            current = arena = Arena.ofConfined();
        }
        return current;
    }

    /** Closes the arena (every allocation goes with it); the next allocation opens a new one. */
    protected final void closeArena() {
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }

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
        throw new UnsupportedOperationException(name() + ": " + noFreeNote);
    }

    @Override
    public final long address(long handle) {
        ensureOpen();
        return handle;
    }

    /** A reset: the arena closes, and nothing else is held. */
    @Override
    protected final void releaseForGood() {
        releaseAll();
    }
}
