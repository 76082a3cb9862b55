package org.allocbench.pg;

import org.allocbench.trace.OpSequence;

/**
 * Which traces the pg15-real lane (a throwaway PostgreSQL backend, {@link PgReplay#lane}) can replay: the one
 * place that decides it, so that the campaign asks here and nowhere else.
 *
 * <p>The lane times {@code allocbench_replay} of the {@code allocbench_pg} extension, which takes version 1
 * (one context, one thread): the op words alone. The extension's version 2 replay ({@code
 * allocbench_replay_tree}, {@link PgReplay#replayTree}) runs once, untimed, to read every context's counters
 * for verify-pg. Until a timed version 2 replay exists in the extension (a context tree in the backend, every
 * op in trace order on its one thread), a version 2 trace is a not-run cell with {@link #cannotReplay}'s
 * reason. To switch it on: set {@link #VERSION_2} and give {@link PgReplay#lane} the placement and context
 * table of a version 2 trace.
 */
public final class PgTraceSupport {

    /** Whether the extension replays version 2 traces. */
    static final boolean VERSION_2 = false;

    private PgTraceSupport() {
    }

    /** Why pg15-real cannot replay {@code ops} (a not-run cell's reason), or null if it can. */
    public static String cannotReplay(OpSequence ops) {
        if (ops.version() >= 2 && !VERSION_2) {
            return "the allocbench_pg extension times version 1 traces only (its version 2 replay reads counters"
                    + " for verify-pg, untimed); trace " + ops.name() + " is version 2";
        }
        return null;
    }
}
