package org.allocbench.alloc;

import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.function.LongConsumer;

/**
 * The live allocations a {@link CheckedAllocator} tracks: what detects
 * foreign, double and stale frees, and what makes a set of mallocs a
 * "context" whose reset frees them all. A primitive open-addressing set: no
 * Java object per op. Never on a raw allocator's path (the replay loop keeps
 * its own live set, the same for every allocator).
 */
public final class LivePointers {

    private static final int TYPICAL_LIVE = 1024;

    private final LongOpenHashSet live = new LongOpenHashSet(TYPICAL_LIVE);
    private final String owner;

    public LivePointers(String owner) {
        this.owner = owner;
    }

    public void add(long pointer) {
        live.add(pointer);
    }

    /** Removes a live pointer; a pointer that is not live is an error, not undefined behaviour. */
    public void remove(long pointer) {
        if (!live.remove(pointer)) {
            throw notLive(pointer);
        }
    }

    public void requireLive(long pointer) {
        if (!live.contains(pointer)) {
            throw notLive(pointer);
        }
    }

    public int size() {
        return live.size();
    }

    /** Hands every live pointer to {@code release} and forgets them all. */
    public void releaseAll(LongConsumer release) {
        live.forEach(release);
        live.clear();
        // the table never shrinks by itself: after one large peak every later reset
        // would walk a peak-sized table; shrink it back (a no-op when already small)
        live.trim(TYPICAL_LIVE);
    }

    private IllegalArgumentException notLive(long pointer) {
        return new IllegalArgumentException("0x" + Long.toHexString(pointer) + " is not a live allocation of " + owner
                + " (freed already, or from elsewhere)");
    }
}
