package org.allocbench.report;

import java.util.Locale;
import org.allocbench.results.Cell;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RatioEstimate;

/**
 * A cell's figures as every table prints them: its median, interval,
 * relative width, status, and a ratio with its interval. One place, so that
 * the same cell reads the same in the time table and the huge-pages table,
 * and an interval over one JVM's rounds is marked wherever it appears.
 */
final class CellText {

    private CellText() {
    }

    /** The recorded median, or the samples' (median of fork medians, as every cell's) if none was recorded. */
    static double median(Cell c) {
        return c.median() != null ? c.median() : Bootstrap.point(c.samples(), c.sampleForks());
    }

    /** The bar of a timed cell: its median and 95% interval, in the series its kind is drawn in. */
    static BarCharts.Bar bar(String label, BarCharts.Group group, Cell c) {
        return new BarCharts.Bar(label, group.name(), median(c), Numbers.orNaN(c.ciLow()), Numbers.orNaN(c.ciHigh()));
    }

    /** "23.0 &ndash; 25.2" (HTML), marked within-JVM when it is over rounds of one process; "-" if none. */
    static String interval(Cell c) {
        if (c.ciLow() == null || c.ciHigh() == null) {
            return "-";
        }
        return Html.range(c.ciLow(), c.ciHigh())
                + (c.interval() != null && !c.intervalOverForks() ? " <em>within-JVM</em>" : "");
    }

    /** Half the interval's width as a share of the median: "4.5%". */
    static String halfWidth(Cell c) {
        double m = median(c);
        if (c.ciLow() == null || c.ciHigh() == null || !(m > 0)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100 * (c.ciHigh() - c.ciLow()) / 2 / m);
    }

    /** Why a cell has no value: "not-run: libjemalloc.so.2 not found". */
    static String status(Cell c) {
        String status = c.status() == null ? "unknown status" : c.status();
        return status + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason());
    }

    /** "0.78 [0.70, 0.85]", "within-JVM" after an interval over rounds of one process, "1.00" for the reference. */
    static String ratio(RatioEstimate e) {
        if (Double.isNaN(e.ratio())) {
            return "-";
        }
        if (!e.hasInterval()) {
            return Numbers.ratio(e.ratio());
        }
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]%s", e.ratio(), e.low(), e.high(),
                e.overForks() ? "" : " within-JVM");
    }
}
