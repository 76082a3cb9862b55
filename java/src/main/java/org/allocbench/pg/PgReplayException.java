package org.allocbench.pg;

/** allocbench_replay failed in the server (a bad trace: the message names the op), or the call itself did. */
public final class PgReplayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PgReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
