package org.allocbench.pg;

import org.allocbench.trace.OpSequence;

/**
 * Which traces the pg15-real lane (a throwaway PostgreSQL backend, {@link PgReplay}) can replay: the one
 * place that decides it, so that the campaign asks here and nowhere else.
 *
 * <p>The {@code allocbench_pg} extension replays version 1 (one context, one thread): it takes the op words
 * alone, and a version 2 trace's words carry {@code c} and {@code d} ops whose contexts live in the placement
 * it is never given. Until the extension replays version 2 (a context tree in the backend, every op in trace
 * order on the backend's one thread), a version 2 trace is a not-run cell with {@link #cannotReplay}'s reason.
 * To switch it on: set {@link #VERSION_2} and hand the placement and context table over in {@link PgReplay}.
 */
public final class PgTraceSupport {

    /** Whether the extension replays version 2 traces. */
    static final boolean VERSION_2 = false;

    private PgTraceSupport() {
    }

    /** Why pg15-real cannot replay {@code ops} (a not-run cell's reason), or null if it can. */
    public static String cannotReplay(OpSequence ops) {
        if (ops.version() >= 2 && !VERSION_2) {
            return "the allocbench_pg extension replays version 1 traces only; trace " + ops.name()
                    + " is version 2 (contexts and threads)";
        }
        return null;
    }
}
