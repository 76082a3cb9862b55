package org.allocbench.pg;

/**
 * PostgreSQL 15 (binaries or server headers) is not on this machine; the
 * message says what is missing and how to install it.
 */
public final class PgUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PgUnavailableException(String message) {
        super(message);
    }
}
