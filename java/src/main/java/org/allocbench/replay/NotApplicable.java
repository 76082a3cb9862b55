package org.allocbench.replay;

/**
 * A lane that cannot replay a trace by design, not by failure: an allocator
 * whose instances belong to one thread given a trace of several threads, the
 * mimalloc heap lane in C given the same, a PostgreSQL backend given a
 * version 2 trace. A campaign records such a cell as not-run with this
 * message as its reason, never as failed; the message says why, in terms of
 * the lane and the trace ("... belong to the thread that made them; trace mt
 * has 5 threads").
 */
public final class NotApplicable extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public NotApplicable(String reason) {
        super(reason);
    }
}
