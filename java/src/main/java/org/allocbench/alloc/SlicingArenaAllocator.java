package org.allocbench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * The JDK's bump allocator, {@link SegmentAllocator#slicingAllocator}, over a
 * growing set of blocks taken from one {@code Arena.ofConfined()}: a bump
 * arena shaped like an AllocSet without freelists.
 *
 * <p>Blocks: the first is 8 KiB, each next regular block doubles, up to 8 MiB
 * (then 8 MiB each). A request that does not fit in the rest of the current
 * block opens the next regular block, unless it is larger than that block
 * would be: then it gets a dedicated block of exactly its size, and the
 * current block stays current (its rest is not wasted). The rest of a block
 * left behind by a switch is never used again. Reset closes the arena (all
 * blocks) and starts over from an 8 KiB block; the first block is opened by
 * the first allocation, so a fresh or reset instance holds nothing.
 *
 * <p>Block switches without exceptions: the JDK's slicing allocator throws
 * {@link IndexOutOfBoundsException} when a request does not fit, and building
 * that exception (with its stack trace) would cost microseconds inside the
 * timed loop at every block switch. So this class mirrors the slicer's offset
 * with the same arithmetic (align up to 8, add the size; the block base is at
 * least 8-aligned, so aligning the offset is aligning the address) and asks
 * the slicer only for what it knows fits. An assertion checks that the two agree.
 *
 * <p>Every byte handed out is zero: blocks come zeroed from the arena and no
 * slice is ever handed out twice (there is no free), so {@link #allocZeroed}
 * is {@link #alloc}. Size 0 is served as 1 byte so that handles (addresses)
 * stay distinct. Free is unsupported (the memory stays until reset); resize
 * allocates and copies {@code min(old, new)} bytes.
 *
 * <p>Statistics are exact: total = the sum of the block sizes requested from
 * the arena, blocks = their count, used = bytes handed out including the
 * alignment padding before each slice, free = total - used (the rest of the
 * current block plus the abandoned rests of earlier blocks), free chunks = 0
 * (there is no freelist, so there is never a free chunk: known, not guessed).
 * What malloc keeps under the arena is not counted, as for the AllocSet's blocks.
 */
public final class SlicingArenaAllocator extends JdkArenaAllocatorBase {

    static final long INITIAL_BLOCK_SIZE = 8 * 1024;
    static final long MAX_BLOCK_SIZE = 8 * 1024 * 1024;

    /** The current regular block (null before the first) and the slicer over it. */
    private MemorySegment currentBlock;
    private SegmentAllocator slicer;
    /** Size of the current regular block (0: none yet, so nothing fits). */
    private long blockSize;
    /** The slicer's offset in the current block, mirrored. */
    private long offset;
    private long nextBlockSize = INITIAL_BLOCK_SIZE;

    private long totalBytes;
    private long blocks;
    /** Used bytes of every block but the current regular one. */
    private long usedElsewhere;

    public SlicingArenaAllocator() {
        super("jdk-slicing", true, "SegmentAllocator.slicingAllocator cannot free single allocations: frees are"
                + " skipped, memory stays until reset",
                "; allocations are zero (fresh arena blocks, never reused); resize is allocate + copy");
    }

    @Override
    public String version() {
        return "SegmentAllocator.slicingAllocator over Arena.ofConfined blocks (8 KiB doubling to 8 MiB), JDK "
                + Runtime.version();
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        size = mallocRequest(size);
        long start = (offset + (ALIGNMENT - 1)) & -ALIGNMENT;
        if (size <= blockSize - start) {
            offset = start + size;
            return slice(size, start);
        }
        return allocSlow(size);
    }

    private long slice(long size, long expectedOffset) {
        MemorySegment slice = slicer.allocate(size, ALIGNMENT);
        assert slice.address() == currentBlock.address() + expectedOffset : "slicing allocator and mirror disagree";
        return slice.address();
    }

    /** A new block: the next regular one, or a dedicated one for a request larger than that. */
    private long allocSlow(long size) {
        Arena arena = arena();
        if (size > nextBlockSize) {
            MemorySegment dedicated = arena.allocate(size, ALIGNMENT);
            totalBytes += size;
            blocks++;
            usedElsewhere += size;
            return dedicated.address();
        }
        MemorySegment block = arena.allocate(nextBlockSize, ALIGNMENT);
        totalBytes += nextBlockSize;
        blocks++;
        usedElsewhere += offset;
        currentBlock = block;
        slicer = SegmentAllocator.slicingAllocator(block);
        blockSize = nextBlockSize;
        offset = size;
        nextBlockSize = Math.min(nextBlockSize * 2, MAX_BLOCK_SIZE);
        return slice(size, 0);
    }

    @Override
    protected void releaseAll() {
        closeArena();
        slicer = null;
        currentBlock = null;
        blockSize = 0;
        offset = 0;
        nextBlockSize = INITIAL_BLOCK_SIZE;
        totalBytes = 0;
        blocks = 0;
        usedElsewhere = 0;
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        long used = usedElsewhere + offset;
        return AllocatorStats.of(totalBytes, blocks, 0, totalBytes - used, used);
    }
}
