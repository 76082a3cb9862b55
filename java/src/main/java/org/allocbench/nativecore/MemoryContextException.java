package org.allocbench.nativecore;

/**
 * An error raised by the native core, with PostgreSQL's wording:
 * {@code invalid memory alloc request size N}, or {@code out of memory} with
 * the detail {@code Failed on request of size N in memory context "NAME".}
 */
public final class MemoryContextException extends RuntimeException {

    /** The native error codes ({@code AbErrorCode}). */
    public enum Kind {
        NONE, INVALID_SIZE, OUT_OF_MEMORY, INVALID_ARGUMENT,
        /** Checking builds: a corrupted or freed chunk (detected write past chunk end, double pfree, ...). */
        MEMORY_CHECK,
        /** A replay lane cannot do what the trace does (a pfree on Bump), so nothing was run: the message says why. */
        NOT_APPLICABLE;

        static Kind of(int code) {
            Kind[] kinds = values();
            return code >= 0 && code < kinds.length ? kinds[code] : INVALID_ARGUMENT;
        }
    }

    private final Kind kind;
    private final String detail;

    public MemoryContextException(Kind kind, String message, String detail) {
        super(message);
        this.kind = kind;
        this.detail = detail == null || detail.isEmpty() ? null : detail;
    }

    /** The error the last failing native call left on this thread (see {@link NativeError}). */
    static MemoryContextException fromNative() {
        return NativeError.last().asContextException();
    }

    public Kind kind() {
        return kind;
    }

    /** PostgreSQL's DETAIL line, or null. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        String base = getClass().getSimpleName() + ": ERROR:  " + getMessage();
        return detail == null ? base : base + "\nDETAIL:  " + detail;
    }
}
