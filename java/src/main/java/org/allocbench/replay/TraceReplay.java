package org.allocbench.replay;

import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.Capabilities;
import org.allocbench.trace.OpSequence;

/**
 * A replay of one trace through the allocator interface, whatever its version:
 * {@link ReplayLoop} for version 1 (one context, one thread), {@link TreeReplayLoop}
 * for version 2 (a tree of contexts, maybe several threads). Every per-op lane
 * takes its replay from {@link #of}, so a version 2 trace replays wherever a
 * version 1 trace does, and the version 1 loop stays exactly as it was.
 *
 * <p>The calls are per iteration, never per op, so a lane that mixes both kinds
 * pays one virtual call per iteration; each loop's per-op code is its own.
 */
public sealed interface TraceReplay extends AutoCloseable permits ReplayLoop, TreeReplayLoop {

    /** The replay of {@code ops}: the version 1 loop, or the tree loop for a sequence with a placement. */
    static TraceReplay of(OpSequence ops) {
        return ops.placement() == null ? new ReplayLoop(ops) : new TreeReplayLoop(ops);
    }

    /** The same, writing one byte in every 4 KiB page of each allocation: for the memory measurement only. */
    static TraceReplay touchingEveryPage(OpSequence ops) {
        return ops.placement() == null ? ReplayLoop.touchingEveryPage(ops) : TreeReplayLoop.touchingEveryPage(ops);
    }

    OpSequence ops();

    /**
     * Gets ready for contexts with {@code capabilities}, outside any timed region (a version 2 trace of several
     * threads works out whom each op waits for). Optional: the first iteration does it otherwise.
     *
     * @throws IllegalArgumentException if such an allocator cannot replay this trace (one whose instances
     *                                  belong to one thread, for a trace of several threads)
     */
    default void prepare(Capabilities capabilities) {
    }

    /** One iteration: a fresh context from {@code contexts}, every op, the context ended and closed. */
    void iteration(Supplier<? extends Allocator> contexts);

    /** Every op into {@code root}, without creating or ending it (to read statistics before {@link #end}). */
    void replay(Allocator root);

    /** The end of an iteration's work before close: a free for each live chunk where there is no bulk release. */
    void end(Allocator root);

    /** Ends the replay's own threads, if it has any. Idempotent. */
    @Override
    default void close() {
    }
}
