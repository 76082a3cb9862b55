package org.allocbench.pg;

/** A PostgreSQL program (initdb, pg_ctl, make for the extension) failed; the message carries its output. */
public final class PgCommandException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PgCommandException(String message) {
        super(message);
    }

    public PgCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
