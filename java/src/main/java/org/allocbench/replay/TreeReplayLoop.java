package org.allocbench.replay;

import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.Capabilities;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * The replay of a version 2 trace (a tree of contexts, maybe several threads;
 * docs/trace-format.md, "Version 2"): the same work as {@link ReplayLoop} op
 * for op (the touch rule, a free per chunk where there is no bulk release),
 * with each op sent to its context. {@link TraceReplay#of} picks it for a
 * sequence with a placement, so the version 1 loop is untouched.
 *
 * <p><b>Contexts.</b> The root is the context the iteration creates (context
 * 0). For an allocator with a tree ({@link Capabilities#contextTree()}: the
 * AllocSets) {@code c} makes a real child of the parent's instance with the
 * trace's sizes and name ({@link Allocator#child}); a and z go to the op's
 * context, r and f to the chunk's (the placement names it); {@code R C} is
 * that context's reset (which deletes its descendants) and {@code d C} its
 * close (with its descendants). For an allocator without one (malloc and its
 * peers, Netty, the JDK's arenas, the floor) every op goes to the root and
 * {@code c} only records the context; a reset or delete frees each live chunk
 * of the context and its descendants, timed like any op, except a reset of
 * the root where the allocator has a bulk release (it releases everything, as
 * version 1's R). Which chunks those are is worked out before anything is
 * timed ({@link TreePlan}), so the loop keeps only each slot's handle and size.
 *
 * <p><b>Threads.</b> A trace of one thread, or a loop made with
 * {@link #inTraceOrder}, runs every op on the calling thread in trace order.
 * Otherwise each trace thread runs on a platform thread of its own: thread 0 on
 * the caller's, the others on helper threads created with the loop (never in
 * a timed region) and released together by a barrier each iteration. An op
 * waits, before it starts, for what the format orders before it on other
 * threads ({@link TreePlan#waits}, {@link TraceThreads}): other threads' progress counters are read
 * with acquire and each thread publishes its own with release after every op;
 * a wait spins ({@link Thread#onSpinWait}) and then yields. What must be
 * ordered follows {@link Capabilities#sharing()}: the slot and c/R/d rules for
 * thread-safe allocators; also the ops on one context for contexts that are
 * single-threaded ({@code PER_CONTEXT}); every op in trace order for one
 * instance shared by all threads ({@code SERIAL}, or no contexts and not
 * thread-safe). An allocator whose instances belong to one thread
 * ({@code OWNER}: the Java AllocSet, the JDK's arenas, mimalloc's heaps, the
 * floor) cannot replay a trace of several threads and is refused in
 * {@link #prepare}, before anything is timed. The helpers' wake-up is inside
 * an iteration's time, as creating the root is.
 *
 * <p>Call {@link #close()} when done to end the helpers (they are daemon
 * threads, so a forgotten loop does not keep the JVM alive).
 */
public final class TreeReplayLoop implements TraceReplay {

    private final OpSequence ops;
    private final Placement placement;
    private final ContextSpec[] specs;
    private final boolean everyPage;
    private final TreePlan plan;
    /** [2 * slot] the handle, [2 * slot + 1] the size, as ReplayLoop keeps them. */
    private final long[] slotData;
    /** The instance each context's ops go to in this iteration: the root, a child, or the root again (no tree). */
    private final Allocator[] contexts;
    /** Threads of their own, or null: one thread, or trace order asked for. */
    private final TraceThreads threadsOfTheTrace;

    // this iteration's: set by begin, read by every op (on every thread, after the start barrier)
    private boolean tree;
    private boolean canFree;
    private boolean bulk;
    /** The next R or d, in trace order (they run alone, so one counter serves every thread). */
    private int nextRelease;
    /** Ops finished on the calling thread, in one-thread mode (to free what is live after a failure). */
    private int doneInOrder;
    private TreePlan.Waits waits;
    private Capabilities prepared;

    /** A loop over a version 2 {@code ops}, on as many threads as the trace has. */
    public TreeReplayLoop(OpSequence ops) {
        this(ops, false, false);
    }

    /** The same, writing one byte in every 4 KiB page of each allocation: for the memory measurement only. */
    public static TreeReplayLoop touchingEveryPage(OpSequence ops) {
        return new TreeReplayLoop(ops, true, false);
    }

    /**
     * A loop that runs every op on the calling thread in trace order, whatever the trace's threads: one of the
     * orders the format allows, with the same counters in every context (for statistics and expectation checks,
     * and for allocators whose instances belong to one thread).
     */
    public static TreeReplayLoop inTraceOrder(OpSequence ops) {
        return new TreeReplayLoop(ops, false, true);
    }

    private TreeReplayLoop(OpSequence ops, boolean everyPage, boolean traceOrder) {
        this.ops = ops;
        this.placement = ops.placement();
        if (placement == null) {
            throw new IllegalArgumentException("trace " + ops.name() + " is version 1; replay it with ReplayLoop");
        }
        this.specs = placement.contexts();
        this.everyPage = everyPage;
        this.plan = TreePlan.of(ops);
        this.slotData = new long[2 * ops.slots()];
        this.contexts = new Allocator[placement.contextCount()];
        this.threadsOfTheTrace = traceOrder || placement.threads() == 1 ? null : new TraceThreads(this, plan.threadOps);
    }

    @Override
    public OpSequence ops() {
        return ops;
    }

    /** Threads the ops run on: the trace's, or 1 in trace order. */
    public int threads() {
        return threadsOfTheTrace == null ? 1 : placement.threads();
    }

    /** The sum of sizes the trace holds live: {peak, after the last op} (the trace's figure, not an allocator's). */
    public long[] liveBytes() {
        return new long[] {plan.peakLiveBytes, plan.endLiveBytes};
    }

    @Override
    public void prepare(Capabilities capabilities) {
        if (capabilities.equals(prepared)) {
            return;
        }
        if (threadsOfTheTrace != null) {
            waits = plan.waits(ordering(capabilities, placement.threads()));
        }
        prepared = capabilities;
    }

    /** What must be ordered between threads for an allocator with {@code c}. */
    static TreePlan.Ordering ordering(Capabilities c, int threads) {
        return switch (c.sharing()) {
            case CONCURRENT -> TreePlan.Ordering.SLOTS;
            case PER_CONTEXT -> c.contextTree() ? TreePlan.Ordering.PER_CONTEXT : TreePlan.Ordering.TRACE;
            case SERIAL -> TreePlan.Ordering.TRACE;
            case OWNER -> throw new NotApplicable("its instances belong to the thread that made them, and a trace of "
                    + threads + " threads replays on as many threads");
        };
    }

    @Override
    public void iteration(Supplier<? extends Allocator> contextSupplier) {
        try (Allocator root = contextSupplier.get()) {
            try {
                replay(root);
            } catch (RuntimeException | Error e) {
                try {
                    afterFailure(root);
                } catch (RuntimeException | Error second) {
                    e.addSuppressed(second);
                }
                throw e;
            }
            end(root);
        }
    }

    @Override
    public void replay(Allocator root) {
        if (threadsOfTheTrace == null) {
            begin(root);
            for (int i = 0, n = ops.length(); i < n; i++) {
                step(i);
                doneInOrder = i + 1;
            }
        } else {
            prepareFor(root);
            begin(root);
            threadsOfTheTrace.run(waits);
        }
    }

    /**
     * Starts an op-by-op replay into {@code root} on the calling thread (for {@link #step}; one-thread loops
     * only): the root is context 0, every other context is yet to be created.
     */
    public void begin(Allocator root) {
        prepareFor(root);
        Capabilities c = root.capabilities();
        tree = c.contextTree();
        canFree = c.individualFree();
        bulk = c.bulkReset();
        contexts[0] = root;
        nextRelease = 0;
        doneInOrder = 0;
    }

    private void prepareFor(Allocator root) {
        Capabilities c = root.capabilities();
        if (!c.equals(prepared)) {
            prepare(c);
        }
    }

    /**
     * Op {@code i} (in trace order, on the calling thread, after {@link #begin}; {@link TraceThreads} calls it
     * on each op's thread). Kept small, with each case in a
     * helper, for the JIT's inlining limit (see {@link ReplayLoop#step}).
     */
    public void step(int i) {
        int slot = ops.slot(i);
        long size = ops.size(i);
        int context = placement.context(i);
        switch (ops.kind(i)) {
            case OpSequence.ALLOC -> handedOut(contexts[context], slot, contexts[context].alloc(size), size);
            case OpSequence.ALLOC_ZEROED -> handedOut(contexts[context], slot, contexts[context].allocZeroed(size),
                    size);
            case OpSequence.REALLOC -> resized(contexts[context], slot, size);
            case OpSequence.FREE -> freed(contexts[context], slot);
            case OpSequence.RESET -> reset(context);
            case OpSequence.CREATE -> create(context);
            case OpSequence.DELETE -> delete(context);
            default -> throw new IllegalStateException("unknown op kind " + ops.kind(i) + " at op " + i);
        }
    }

    private void handedOut(Allocator context, int slot, long handle, long size) {
        ReplayLoop.touch(context, handle, size, everyPage);
        slotData[2 * slot] = handle;
        slotData[2 * slot + 1] = size;
    }

    private void resized(Allocator context, int slot, long size) {
        long handle = context.resize(slotData[2 * slot], slotData[2 * slot + 1], size);
        ReplayLoop.touch(context, handle, size, everyPage);
        slotData[2 * slot] = handle;
        slotData[2 * slot + 1] = size;
    }

    private void freed(Allocator context, int slot) {
        if (canFree) {
            context.free(slotData[2 * slot]);
        }
    }

    /** R C: the context's reset (its descendants go too), or a free for each chunk of the subtree. */
    private void reset(int context) {
        int k = nextRelease++;
        if (tree || (context == 0 && bulk)) {
            contexts[context].reset();
        } else if (canFree) {
            freeReleased(k);
        }
    }

    /** d C: the context's close (with its descendants), or a free for each chunk of the subtree. */
    private void delete(int context) {
        int k = nextRelease++;
        if (tree) {
            contexts[context].close();
        } else if (canFree) {
            freeReleased(k);
        }
        contexts[context] = null;
    }

    /** c C: a child of the parent's instance with the trace's sizes and name, or (no tree) the root again. */
    private void create(int context) {
        ContextSpec spec = specs[context];
        contexts[context] = tree
                ? contexts[spec.parent()].child(spec.name(), spec.minContextSize(), spec.initBlockSize(),
                        spec.maxBlockSize())
                : contexts[0];
    }

    private void freeReleased(int k) {
        Allocator root = contexts[0];
        int[] slots = plan.releaseSlots;
        for (int j = plan.releaseStart[k], end = plan.releaseStart[k + 1]; j < end; j++) {
            root.free(slotData[2 * slots[j]]);
        }
    }

    @Override
    public void end(Allocator root) {
        Capabilities c = root.capabilities();
        if (!c.contextTree() && !c.bulkReset() && c.individualFree()) {
            freeEach(root, plan.endLive);
        }
    }

    /**
     * After a failed replay on one thread: what is live then is freed where nothing else would, so the next
     * iteration does not start from a leaked heap. (On several threads the ops done are no prefix of the trace;
     * what they left live is not freed: the failure ends the lane.)
     */
    private void afterFailure(Allocator root) {
        Capabilities c = root.capabilities();
        if (threadsOfTheTrace == null && !c.contextTree() && !c.bulkReset() && c.individualFree()) {
            freeEach(root, plan.liveAfter(doneInOrder));
        }
    }

    private void freeEach(Allocator root, int[] slots) {
        for (int slot : slots) {
            root.free(slotData[2 * slot]);
        }
    }

    /** The instance context {@code id} is replayed into now (after {@link #begin}, while it is live). */
    public Allocator context(int id) {
        Allocator a = contexts[id];
        if (a == null) {
            throw new IllegalStateException("context " + id + " is not live in this replay");
        }
        return a;
    }

    @Override
    public void close() {
        if (threadsOfTheTrace != null) {
            threadsOfTheTrace.shutdown();
        }
    }
}
