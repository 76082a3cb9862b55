package org.allocbench.pg;

import org.allocbench.trace.OpSequence;

/**
 * Which traces the pg15-real lane (a throwaway PostgreSQL backend, {@link PgReplay#lane}) can replay: the one
 * place that decides it, so that the campaign asks here and nowhere else.
 *
 * <p>The lane times {@code allocbench_replay} of the {@code allocbench_pg} extension for version 1 (one
 * context, one thread) and {@code allocbench_replay_tree_timed} for version 2 (a context tree in the backend,
 * {@link PgReplay#replay(java.sql.Connection, OpSequence, int)}). A backend is one thread: a version 2 trace of
 * several threads would be timed without its threads, so it is a not-run cell with {@link #cannotReplay}'s
 * reason, as it is for the other allocators tied to one thread.
 */
public final class PgTraceSupport {

    private PgTraceSupport() {
    }

    /** Why pg15-real cannot replay {@code ops} (a not-run cell's reason), or null if it can. */
    public static String cannotReplay(OpSequence ops) {
        if (ops.placement() != null && ops.placement().threads() > 1) {
            return "a PostgreSQL backend is one thread; trace " + ops.name() + " has " + ops.placement().threads()
                    + " threads";
        }
        return null;
    }
}
