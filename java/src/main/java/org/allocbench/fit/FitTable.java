package org.allocbench.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;

/**
 * fit's text: per trace, one row per lane (time, its ratio to AllocSet, peak, peak over the trace's own
 * peak of live bytes, what stayed after the release), or the reason it did not run; then the verdict. And a
 * summary of the verdicts, one line per trace: the table the README quotes.
 */
public final class FitTable {

    private static final String HEADER = "  %-14s %9s %8s %11s %10s %11s%n";
    private static final String ROW = "  %-14s %9s %8s %7s MiB %10s %7s MiB%n";
    private static final double MIB = 1 << 20;

    private FitTable() {
    }

    /** One trace's block: its rows and its verdict. */
    public static String trace(String trace, long ops, long peakLiveBytes, List<Cell> cells) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %,d ops, at most %s MiB live%n", trace, ops, mib(peakLiveBytes)));
        out.append(String.format(Locale.ROOT, HEADER, "lane", "ns/op", "x AllocSet", "peak", "peak/live", "retained"));
        Cell aset = FitVerdict.ran(cells, WholeTraceLane.ASET.laneName()).orElse(null);
        for (Cell c : cells) {
            if (!Cell.OK.equals(c.status())) {
                out.append(String.format(Locale.ROOT, "  %-14s %s: %s%n", c.allocator(), c.status(), c.reason()));
                continue;
            }
            List<String> f = figures(c, aset);
            out.append(String.format(Locale.ROOT, ROW, c.allocator(), f.get(0), f.get(1), f.get(2), f.get(3),
                    f.get(4)));
        }
        out.append("  verdict: ").append(FitVerdict.of(cells).line()).append(System.lineSeparator());
        return out.toString();
    }

    /**
     * The verdicts, one row per trace: AllocSet's ns/op and peak over the trace's peak of live bytes, each
     * other kind's time and peak as ratios to AllocSet's ("n/a": it cannot replay the trace), the fastest
     * malloc peer's time ratio, and the kind that fits ({@link FitVerdict}).
     */
    public static String summary(List<String> traces, List<List<Cell>> cellsByTrace) {
        StringBuilder out = new StringBuilder();
        String format = "%-24s %8s %9s %13s %13s %13s %16s  %s%n";
        out.append(String.format(Locale.ROOT, format, "trace", "AllocSet", "peak/live", "Generation", "Slab", "Bump",
                "fastest malloc", "fits"));
        out.append(String.format(Locale.ROOT, format, "", "ns/op", "", "time, peak", "time, peak", "time, peak",
                "time", ""));
        for (int i = 0; i < traces.size(); i++) {
            List<Cell> cells = cellsByTrace.get(i);
            Cell aset = FitVerdict.ran(cells, WholeTraceLane.ASET.laneName()).orElse(null);
            if (aset == null) {
                out.append(String.format(Locale.ROOT, format, traces.get(i), "not run", "", "", "", "", "", ""));
                continue;
            }
            long live = aset.stats().getOrDefault(ContextFit.PEAK_LIVE, 0L);
            List<String> kinds = new ArrayList<>();
            for (WholeTraceLane lane : WholeTraceLane.OTHER_CONTEXT_KINDS) {
                kinds.add(FitVerdict.ran(cells, lane.laneName()).map(c -> String.format(Locale.ROOT, "%.2f, %.2f",
                        FitVerdict.time(c, aset), FitVerdict.peak(c, aset))).orElse("n/a"));
            }
            String fastest = FitVerdict.fastestPeer(cells).map(c -> String.format(Locale.ROOT, "%s %.2f",
                    c.allocator().replace("-c", ""), FitVerdict.time(c, aset))).orElse("");
            FitVerdict v = FitVerdict.of(cells);
            out.append(String.format(Locale.ROOT, format, traces.get(i), String.format(Locale.ROOT, "%.1f",
                    aset.median()), live <= 0 ? "" : String.format(Locale.ROOT, "%.2f",
                    (double) aset.stats().getOrDefault(ContextFit.PEAK, 0L) / live), kinds.get(0), kinds.get(1), kinds.get(2),
                    fastest, FitVerdict.kindName(v.best())));
        }
        return out.toString();
    }

    /**
     * One lane's figures as both tables (this one and the report's) print them: median ns/op, its ratio to
     * AllocSet's ("" if AllocSet did not run), peak MiB, peak over the trace's peak of live bytes ("" if the
     * trace holds none), retained MiB.
     */
    public static List<String> figures(Cell c, Cell aset) {
        long peak = c.stats().getOrDefault(ContextFit.PEAK, 0L);
        long live = c.stats().getOrDefault(ContextFit.PEAK_LIVE, 0L);
        return List.of(String.format(Locale.ROOT, "%.1f", c.median()),
                aset == null ? "" : String.format(Locale.ROOT, "%.2f", FitVerdict.time(c, aset)), mib(peak),
                live <= 0 ? "" : String.format(Locale.ROOT, "%.2f", (double) peak / live),
                mib(c.stats().getOrDefault(ContextFit.RETAINED, 0L)));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / MIB);
    }
}
