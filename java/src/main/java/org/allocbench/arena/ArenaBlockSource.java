package org.allocbench.arena;

import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.lang.foreign.Arena;

/**
 * Where a {@link JavaAllocSet}'s blocks come from: the Java counterpart of the
 * native block source ({@code malloc}/{@code realloc}/{@code free} in
 * {@code native/src/block_source.c}).
 *
 * <p>Every block is a segment of its own {@link Arena#ofConfined() confined
 * arena}: an arena can only be freed as a whole, so one arena per block is what
 * lets a dedicated block go back on pfree while its neighbours stay. Blocks are
 * known by address only; a primitive map (fastutil, no boxing) from block
 * address to its arena finds the arena to close. The map is touched only when a
 * block is created or freed, never on a chunk operation.
 *
 * <p>Two costs that {@code malloc} does not have: {@link Arena#allocate} zeroes
 * the memory it returns (the public API has no way around it), so a new block
 * costs a memset of its whole size; and each block costs a few small Java
 * objects (arena, session, cleanup, segment). Confined arenas are not counted
 * against {@code -XX:MaxDirectMemorySize} (only automatic arenas are), so the
 * limit is the same as malloc's.
 *
 * <p>{@link #realloc} is what the native source does when it has no realloc:
 * allocate, copy the smaller of the two sizes, free; an arena cannot grow.
 */
final class ArenaBlockSource {

    private final Long2ObjectOpenHashMap<Arena> arenas = new Long2ObjectOpenHashMap<>();

    /** A block of {@code size} bytes (8-byte aligned, zeroed), or 0 if out of memory. */
    long alloc(long size) {
        if (size <= 0) {
            return 0; // an overflowed size computation: no machine has that much
        }
        Arena arena = Arena.ofConfined();
        long address;
        try {
            address = arena.allocate(size, 8).address();
        } catch (OutOfMemoryError e) {
            arena.close();
            return 0;
        }
        arenas.put(address, arena);
        return address;
    }

    /** Gives a block back. False if {@code block} is not one of ours (nothing is freed then). */
    boolean free(long block) {
        Arena arena = arenas.remove(block);
        if (arena == null) {
            return false;
        }
        arena.close();
        return true;
    }

    /**
     * The block moved to a new one of {@code newSize} bytes with the first
     * {@code min(oldSize, newSize)} bytes copied, the old one freed; or 0 if out
     * of memory, the old block untouched. The same size keeps the block where it is.
     */
    long realloc(long block, long oldSize, long newSize) {
        if (newSize == oldSize) {
            return block;
        }
        long moved = alloc(newSize);
        if (moved == 0) {
            return 0;
        }
        OffHeap.copy(block, moved, Math.min(oldSize, newSize));
        free(block);
        return moved;
    }

    /** Whether {@code block} is a live block of this source. */
    boolean owns(long block) {
        return arenas.containsKey(block);
    }

    /** Blocks currently held. */
    int size() {
        return arenas.size();
    }

    /** Frees every block (after an error left the set unusable, or at close). */
    void freeAll() {
        for (Long2ObjectMap.Entry<Arena> entry : arenas.long2ObjectEntrySet()) {
            entry.getValue().close();
        }
        arenas.clear();
    }
}
