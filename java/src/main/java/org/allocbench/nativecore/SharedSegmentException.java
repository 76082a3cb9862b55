package org.allocbench.nativecore;

/**
 * A shared-memory error from the native core, in PostgreSQL's wording where
 * PostgreSQL has one ({@code could not map anonymous shared memory: ...},
 * {@code out of shared memory (N bytes requested)}, ...), with the hint
 * (request size, huge pages reserved and free) as {@link #detail()}.
 */
public final class SharedSegmentException extends RuntimeException {

    /** What went wrong, from the native error code. */
    public enum Kind {
        INVALID_ARGUMENT, OUT_OF_MEMORY, EXISTS, NOT_FOUND, PERMISSION_DENIED, HUGE_PAGES, SYSTEM, INDEX;

        static Kind of(int code) {
            return switch (code) {
                case 2 -> OUT_OF_MEMORY;
                case 10 -> EXISTS;
                case 11 -> NOT_FOUND;
                case 12 -> PERMISSION_DENIED;
                case 13 -> HUGE_PAGES;
                case 14 -> SYSTEM;
                case 15 -> INDEX;
                default -> INVALID_ARGUMENT;
            };
        }
    }

    private final Kind kind;
    private final String detail;

    public SharedSegmentException(Kind kind, String message, String detail) {
        super(message);
        this.kind = kind;
        this.detail = detail == null || detail.isEmpty() ? null : detail;
    }

    /** The error the last failing native call left on this thread (see {@link NativeError}). */
    static SharedSegmentException fromNative() {
        NativeError error = NativeError.last();
        return new SharedSegmentException(Kind.of(error.code()), error.message(), error.detail());
    }

    public Kind kind() {
        return kind;
    }

    /** The hint or detail line, or null. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        String base = getClass().getSimpleName() + " (" + kind + "): " + getMessage();
        return detail == null ? base : base + "\n  " + detail;
    }
}
