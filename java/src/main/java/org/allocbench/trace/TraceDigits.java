package org.allocbench.trace;

/**
 * Decimal digits written straight into a byte buffer, for the trace writers (no String or format per op):
 * {@link TraceWriter} and the recorders that stream trace text.
 */
public final class TraceDigits {

    private TraceDigits() {
    }

    /** Writes {@code value}'s (non-negative) digits at {@code at}; returns the index after them. */
    public static int put(byte[] buf, int at, long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = at + digits;
        int i = end;
        long v = value;
        do {
            buf[--i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return end;
    }
}
