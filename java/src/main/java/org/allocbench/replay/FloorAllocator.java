package org.allocbench.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.function.Supplier;
import org.allocbench.alloc.AbstractAllocator;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.trace.OpSequence;

/**
 * The per-op floor, {@value #NAME}: not an allocator, the replay loop's own
 * cost. Every table checks that it is below every allocator; where it is not,
 * the table says so loudly.
 *
 * <p><b>What it pays.</b> Everything {@link ReplayLoop} does around an
 * allocator (decoding ops, the interface calls, the live-set bookkeeping, the
 * frees it is handed, the touch of both ends of every chunk) and, for memory,
 * exactly what an ideal allocator would hand out: the floor's plan
 * ({@link NativeReplay#floorPlan}, computed once per trace, outside any
 * timing) gives each a, z and r an offset in one region, with power-of-two
 * size classes, freed chunks reused LIFO like a freelist, resizes within a
 * class in place and R starting over. So its touches land on memory that is
 * reused the way an allocator reuses it, hot where an allocator's would be
 * hot. A bump pointer that never reuses (the floor this replaces) touched
 * cold lines on every op and came out above the AllocSet on two traces.
 *
 * <p><b>What it does not.</b> No headers, no size-class search, no freelist
 * pushes, no zeroing for z (the memory is not zeroed: nothing reads it), no
 * copy on resize, and no page faults: the region is allocated and zeroed
 * (touched) when the contexts are made, before anything is timed.
 *
 * <p><b>Use.</b> {@link #contexts(OpSequence)} makes the plan and the region
 * for one trace; each context it supplies replays that trace once, from its
 * first op (a context handed a different trace, or more a/z/r ops than its
 * trace has, throws). One supplier per thread: contexts from one supplier
 * share its region.
 */
public final class FloorAllocator extends AbstractAllocator {

    /** The per-op floor's name in results and on the command line. */
    public static final String NAME = "floor";

    static final long ALIGNMENT = 16;

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, false, ALIGNMENT,
            "the harness floor: no allocator; each chunk's address comes from a plan made when the trace is read");

    /** Held so the region stays allocated while any context over it lives (the GC frees it after). */
    private final MemorySegment region;
    private final long base;
    private final long[] offsets;
    private int next;

    private FloorAllocator(MemorySegment region, long[] offsets) {
        super(NAME, CAPABILITIES);
        this.region = region;
        this.base = region.address();
        this.offsets = offsets;
    }

    /** Floor contexts for {@code ops} on the calling thread: the plan and the (touched) region, made now. */
    public static Supplier<Allocator> contexts(OpSequence ops) {
        // A version 2 trace is planned as the version 1 trace of the same work: the tree loop gives the floor
        // (no contexts) the same a, z and r in the same order, and frees where a context is reset or deleted.
        OpSequence planned = ops.placement() == null ? ops : TreePlan.of(ops).v1Equivalent();
        NativeReplay.FloorPlan plan = NativeReplay.floorPlan(planned.encoded(), planned.slots());
        MemorySegment region = Arena.ofAuto().allocate(Math.max(ALIGNMENT, plan.regionBytes()), 4096);
        long[] offsets = plan.offsets();
        return () -> new FloorAllocator(region, offsets);
    }

    @Override
    public String version() {
        return "harness floor: the replay loop over a planned region, JDK " + Runtime.version();
    }

    @Override
    public long alloc(long size) {
        return next();
    }

    /** Not zeroed: the floor is the loop's cost, and nothing reads what it hands out. */
    @Override
    public long allocZeroed(long size) {
        return next();
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        return next();
    }

    private long next() {
        if (next == offsets.length) {
            throw new IllegalStateException("the floor was planned for a trace of " + offsets.length
                    + " allocations and resizes; it is replaying another one");
        }
        return base + offsets[next++];
    }

    /** Does nothing: the plan has already reused the chunk. */
    @Override
    public void free(long handle) {
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    protected void releaseAll() {
    }

    @Override
    protected void releaseForGood() {
        Reference.reachabilityFence(region); // the region outlives every write the context made
    }

    @Override
    public AllocatorStats stats() {
        return AllocatorStats.UNKNOWN;
    }
}
