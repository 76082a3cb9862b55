package org.allocbench.fit;

import java.util.List;
import java.util.Locale;
import org.allocbench.results.Cell;

/**
 * fit's text: per trace, one row per lane (time, its ratio to AllocSet, peak, peak over the trace's own
 * peak of live bytes, what stayed after the release), or the reason it did not run; then the verdict. And a
 * summary of the verdicts, one line per trace: the table the README quotes.
 */
public final class FitTable {

    private static final String ROW = "  %-14s %9s %8s %11s %10s %11s%n";
    private static final double MIB = 1 << 20;

    private FitTable() {
    }

    /** One trace's block: its rows and its verdict. */
    public static String trace(String trace, long ops, long peakLiveBytes, List<Cell> cells) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %,d ops, at most %s live%n", trace, ops, mib(peakLiveBytes)));
        out.append(String.format(Locale.ROOT, ROW, "lane", "ns/op", "x AllocSet", "peak", "peak/live", "retained"));
        Cell aset = cells.stream().filter(c -> c.allocator().equals("aset-c") && Cell.OK.equals(c.status()))
                .findFirst().orElse(null);
        for (Cell c : cells) {
            if (!Cell.OK.equals(c.status())) {
                out.append(String.format(Locale.ROOT, "  %-14s %s: %s%n", c.allocator(), c.status(), c.reason()));
                continue;
            }
            long peak = c.stats().getOrDefault(ContextFit.PEAK, 0L);
            out.append(String.format(Locale.ROOT, ROW, c.allocator(), String.format(Locale.ROOT, "%.1f", c.median()),
                    aset == null ? "" : String.format(Locale.ROOT, "%.2f", FitVerdict.time(c, aset)), mib(peak),
                    peakLiveBytes <= 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) peak / peakLiveBytes),
                    mib(c.stats().getOrDefault(ContextFit.RETAINED, 0L))));
        }
        out.append("  verdict: ").append(FitVerdict.of(cells).line()).append(System.lineSeparator());
        return out.toString();
    }

    /** The verdicts, one line per trace. */
    public static String summary(List<String> traces, List<List<Cell>> cellsByTrace) {
        StringBuilder out = new StringBuilder();
        String format = "%-26s %s%n";
        out.append(String.format(Locale.ROOT, format, "trace", "verdict"));
        for (int i = 0; i < traces.size(); i++) {
            out.append(String.format(Locale.ROOT, format, traces.get(i), FitVerdict.of(cellsByTrace.get(i)).line()));
        }
        return out.toString();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / MIB);
    }
}
