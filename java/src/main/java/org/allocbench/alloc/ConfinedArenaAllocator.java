package org.allocbench.alloc;

import java.util.OptionalLong;

/**
 * The JDK's own confined arena ({@code Arena.ofConfined()}) as a peer: every
 * allocation is {@code arena.allocate(size, 8)}, reset closes the arena and
 * opens a new one, close closes it. Handles are the addresses; nothing is kept
 * per operation on our side.
 *
 * <p>What the JDK does per allocation (JDK 25, {@code SegmentFactories}): one
 * {@code Unsafe.allocateMemory} (malloc) of {@code max(1, size)} rounded up to
 * 8, zeroed with a loop of long stores, plus one cleanup object appended to the
 * arena's resource list and the segment object returned (that is the JDK's
 * cost, not ours: about 48 bytes of heap per allocation, measured on JDK 25;
 * we keep neither object). Closing the arena walks that list and frees each
 * allocation. So:
 * <ul>
 * <li>allocations are always zeroed: {@link #allocZeroed} is the same call as {@link #alloc};</li>
 * <li>size 0 still gets a distinct address (the JDK allocates at least one byte);</li>
 * <li>single allocations cannot be freed: {@link #free} throws {@link UnsupportedOperationException},
 *     the memory stays until reset;</li>
 * <li>resize allocates a new block and copies {@code min(old, new)} bytes; the old one stays until reset.</li>
 * </ul>
 *
 * <p>Statistics: the arena does not say what it holds. The bytes requested
 * since the last reset are counted here, exactly, and reported as used bytes;
 * the total held is left unknown, because what malloc really keeps for each
 * allocation (its headers and rounding, and the JDK's own rounding rule, which
 * is internal) is not visible. Blocks, free chunks and free bytes are unknown too.
 * Hence {@code reportsStats} is false.
 *
 * <p>Raw instances trust the caller's handles ({@link #address} is the
 * identity); {@link #checked()} detects foreign and stale ones.
 */
public final class ConfinedArenaAllocator extends JdkArenaAllocatorBase {

    /** Bytes requested since the last reset (exact: our own count, not a guess about the JDK). */
    private long requestedBytes;

    public ConfinedArenaAllocator() {
        super("jdk-arena", false,
                "Arena.ofConfined cannot free single allocations: frees are skipped, memory stays until reset",
                "; allocations are always zeroed by the JDK; resize is allocate + copy");
    }

    @Override
    public String version() {
        return "Arena.ofConfined, JDK " + Runtime.version();
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        long address = arena().allocate(nonNegativeSize(size), ALIGNMENT).address();
        requestedBytes += size;
        return address;
    }

    @Override
    protected void releaseAll() {
        closeArena();
        requestedBytes = 0;
    }

    /** Used bytes = bytes requested since the last reset; everything else unknown (see the class comment). */
    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return new AllocatorStats(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.of(requestedBytes));
    }
}
