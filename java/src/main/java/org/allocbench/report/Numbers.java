package org.allocbench.report;

import java.util.Locale;

/**
 * Numbers as the report's tables and chart labels print them. Always in
 * {@link Locale#ROOT}: a report reads the same whichever host wrote it, and
 * two reports of the same run are byte-for-byte the same.
 */
public final class Numbers {

    private Numbers() {
    }

    /** Bytes as people write them: 2,101,248 -> "2.00 MiB"; 4096 -> "4.0 KiB"; 0 -> "0 B". */
    public static String bytes(double b) {
        if (Math.abs(b) >= 1 << 20) {
            return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        }
        if (Math.abs(b) >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
        }
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    /**
     * Three significant figures at most ("1,234", "123", "12.3", "1.23"), "-"
     * for NaN or infinity: the precision a noisy timing deserves.
     */
    static String significant(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A ratio to a reference, two decimals: "0.78". */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    /** A count with thousands separators: "1,536". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A count that may be unknown: "-" for null. */
    static String countOrDash(Long n) {
        return n == null ? "-" : count(n);
    }

    /** A recorded value that may be absent, as NaN (which the formats above print as "-"). */
    static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }
}
