package org.allocbench.replay;

import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.Capabilities;
import org.allocbench.trace.OpSequence;

/**
 * The one replay loop: every per-op lane (the campaign's, JMH's, the latency
 * recorder's, the memory measurement's) replays a trace through the
 * allocator interface with this class, so every allocator does the same work,
 * op for op. Its twin in C is {@code ab_replay} (native/src/replay.c).
 *
 * <p><b>One iteration</b> ({@link #iteration}): create a fresh context, run
 * every op, end the context. After each a, z and r the first and last byte of
 * the memory handed out are written (the trace format's touch rule).
 *
 * <p><b>The loop owns the live set</b>, for every allocator alike: each slot's
 * handle and size, and the live slots as a dense list (slot to position,
 * position to slot; a free moves the last entry into the hole), so the cost is
 * a few array stores per op whatever the allocator, and releasing the live
 * chunks walks only what is live, never every slot. What the loop knows of a
 * slot sits in one cache line (handle, size and position packed into two
 * longs): the bookkeeping is paid by every lane, floor included, and should
 * stay small next to what it is measured with. An allocator with a bulk
 * release ({@link Capabilities#bulkReset()}: AllocSet's reset and delete, a
 * mimalloc heap's destroy) gets {@link Allocator#reset()} on R and
 * {@link Allocator#close()} at the end; one without (malloc and friends,
 * Netty) gets a {@link Allocator#free} for each live chunk on R and before
 * close, timed like any op. The allocators themselves track nothing on their
 * raw paths: that is what {@link Allocator#checked()} is for.
 *
 * <p>Allocators that cannot free a single allocation
 * ({@link Capabilities#individualFree()} false: the JDK's arenas) skip the
 * frees, and so do less work: results report them apart, never ranked with
 * the others.
 *
 * <p>Not thread-safe: one loop per thread (its arrays are the thread's
 * scratch). The loop allocates nothing per op; memory is written through one
 * segment spanning the address space. In a JVM that runs one allocator (one
 * lane per JVM, as the campaign and JMH run them) the interface calls see one
 * class and inline.
 */
public final class ReplayLoop implements TraceReplay {

    private static final long PAGE = 4096;

    private final OpSequence ops;
    /** The memory measurement's variant: one byte in every page written, not only the two ends. */
    private final boolean everyPage;
    /**
     * Per slot, two longs side by side so that one cache line holds all the loop knows of a slot:
     * {@code [2 * slot]} the handle, {@code [2 * slot + 1]} the size (bits 0..31) and the slot's position in
     * {@link #live} (bits 32..63, valid while it is live).
     */
    private final long[] slotData;
    /** live[0 .. liveCount): the slots that hold a chunk. */
    private final int[] live;
    private int liveCount;

    /** A loop over {@code ops}, with scratch arrays for its slots. */
    public ReplayLoop(OpSequence ops) {
        this(ops, false);
    }

    /**
     * The same loop writing one byte in every 4 KiB page of each allocation (and its last byte), so that
     * resident memory shows everything allocated: for the memory measurement, never for timing.
     */
    public static ReplayLoop touchingEveryPage(OpSequence ops) {
        return new ReplayLoop(ops, true);
    }

    private ReplayLoop(OpSequence ops, boolean everyPage) {
        this.ops = ops;
        this.everyPage = everyPage;
        int slots = ops.slots();
        this.slotData = new long[2 * slots];
        this.live = new int[slots];
    }

    @Override
    public OpSequence ops() {
        return ops;
    }

    /**
     * One iteration: a fresh context from {@code contexts}, every op, the context ended and closed. If an op
     * throws (out of memory), the live chunks are still freed where the allocator has no bulk release, so the
     * next iteration does not start from a leaked heap.
     */
    @Override
    public void iteration(Supplier<? extends Allocator> contexts) {
        try (Allocator context = contexts.get()) {
            try {
                replay(context);
            } catch (RuntimeException | Error e) {
                try {
                    end(context);
                } catch (RuntimeException | Error second) {
                    e.addSuppressed(second);
                }
                throw e;
            }
            end(context);
        }
    }

    /**
     * Every op into {@code context}, without creating or ending it (for a caller
     * that reads the context's statistics before it ends: call {@link #end} after).
     */
    @Override
    public void replay(Allocator context) {
        Capabilities capabilities = context.capabilities();
        boolean canFree = capabilities.individualFree();
        boolean bulk = capabilities.bulkReset();
        liveCount = 0;
        for (int i = 0, n = ops.length(); i < n; i++) {
            step(context, i, canFree, bulk);
        }
    }

    /** The end of an iteration's work before close: a free for each live chunk if the allocator has no bulk release. */
    @Override
    public void end(Allocator context) {
        Capabilities capabilities = context.capabilities();
        if (!capabilities.bulkReset() && capabilities.individualFree()) {
            freeEachLive(context);
        }
        liveCount = 0;
    }

    /** Starts an op-by-op replay (for {@link #step}): the live set is emptied. */
    public void begin() {
        liveCount = 0;
    }

    /**
     * Op {@code i} of {@code ops} into {@code context}: the one definition of "the same work"
     * that every per-op replay runs (timed, latency-recording). {@code canFree} and {@code bulk} are the
     * context's {@link Capabilities#individualFree()} and {@link Capabilities#bulkReset()}.
     *
     * <p>Kept small on purpose, with each case in a helper of its own: the JIT inlines a hot method only up
     * to 325 bytes of bytecode, and a step that is not inlined into the loop costs a call and the reload of
     * every field per op (measured here: the floor at 18 ns/op instead of 7 when this method was 390 bytes).
     */
    public void step(Allocator context, int i, boolean canFree, boolean bulk) {
        int slot = ops.slot(i);
        long size = ops.size(i);
        switch (ops.kind(i)) {
            case OpSequence.ALLOC -> handedOut(context, slot, context.alloc(size), size);
            case OpSequence.ALLOC_ZEROED -> handedOut(context, slot, context.allocZeroed(size), size);
            case OpSequence.REALLOC -> resized(context, slot, size);
            case OpSequence.FREE -> freed(context, slot, canFree);
            case OpSequence.RESET -> reset(context, canFree, bulk);
            default -> throw new IllegalStateException("unknown op kind " + ops.kind(i) + " at op " + i);
        }
    }

    /** After a and z: touch both ends, remember the chunk, add the slot to the live set. */
    private void handedOut(Allocator context, int slot, long handle, long size) {
        touch(context, handle, size, everyPage);
        int at = liveCount++;
        slotData[2 * slot] = handle;
        slotData[2 * slot + 1] = size | (long) at << 32;
        live[at] = slot;
    }

    /** r: the new chunk replaces the old one in the slot, which stays where it is in the live set. */
    private void resized(Allocator context, int slot, long size) {
        long data = slotData[2 * slot + 1];
        long handle = context.resize(slotData[2 * slot], data & 0xffffffffL, size);
        touch(context, handle, size, everyPage);
        slotData[2 * slot] = handle;
        slotData[2 * slot + 1] = size | (data & 0xffffffff00000000L);
    }

    /** f: the allocator's free (where it has one), and the slot out of the live set (the last one into its hole). */
    private void freed(Allocator context, int slot, boolean canFree) {
        if (canFree) {
            context.free(slotData[2 * slot]);
        }
        int hole = (int) (slotData[2 * slot + 1] >>> 32);
        int last = live[--liveCount];
        live[hole] = last;
        slotData[2 * last + 1] = (slotData[2 * last + 1] & 0xffffffffL) | (long) hole << 32;
    }

    /** R: the allocator's bulk release, or a free for each live chunk. */
    private void reset(Allocator context, boolean canFree, boolean bulk) {
        if (bulk) {
            context.reset();
        } else if (canFree) {
            freeEachLive(context);
        }
        liveCount = 0;
    }

    /** How many chunks are live now (for tests). */
    public int liveCount() {
        return liveCount;
    }

    private void freeEachLive(Allocator context) {
        for (int k = 0; k < liveCount; k++) {
            context.free(slotData[2 * live[k]]);
        }
        liveCount = 0;
    }

    /**
     * The touch rule, the same for every allocator and loop: the chunk's first and last byte (and one byte per
     * page between them with {@code everyPage}), written through {@link Allocator#writeByte} (a plain store,
     * except for memory on the Java heap).
     */
    public static void touch(Allocator context, long handle, long size, boolean everyPage) {
        if (everyPage) {
            for (long off = PAGE; off < size; off += PAGE) {
                context.writeByte(handle, off, (byte) 1);
            }
        }
        context.writeByte(handle, 0, (byte) 1);
        context.writeByte(handle, size > 0 ? size - 1 : 0, (byte) 1);
    }
}
