package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;

/**
 * Where a native context takes its blocks from, other than malloc: a counting
 * wrapper for tests, or a region of a shared segment. Contexts created on a
 * source must be deleted before it is closed: closing it earlier throws,
 * rather than leave them pointing at freed state; closing twice is harmless.
 * Like the contexts, a source is not thread-safe.
 */
public abstract sealed class NativeBlockSource implements AutoCloseable permits CountingBlockSource, SegmentBlockSource {

    private int liveContexts;
    private boolean released;

    /** The native {@code AbBlockSource *}. */
    abstract MemorySegment source();

    /** Releases the native side once no context uses it. */
    abstract void release();

    /** Called by each context created on this source, and {@link #detach()} when it is deleted. */
    final MemorySegment attach() {
        liveContexts++;
        return source();
    }

    final void detach() {
        liveContexts--;
    }

    @Override
    public final void close() {
        if (liveContexts > 0) {
            throw new IllegalStateException(liveContexts + " memory context(s) still take blocks from this source:"
                    + " delete them first");
        }
        if (!released) {
            released = true;
            release();
        }
    }
}
