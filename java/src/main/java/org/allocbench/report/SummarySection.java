package org.allocbench.report;

import java.util.List;
import java.util.Locale;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.DriftCheck;
import org.allocbench.stats.Ranking;

/**
 * The answer first: the overall rankings of both views (geometric mean of the paired ratios, with the
 * interval and shared ranks), how the intervals were made, and what to read with care (within-JVM
 * intervals, drifting cells). A reader who stops here has the result and its caveats.
 */
final class SummarySection implements ReportSection {

    @Override
    public void writeTo(ReportPage page) {
        List<Cell> timed = page.results().cells().stream()
                .filter(c -> LaneKind.timed(c) && Cell.OK.equals(c.status())).toList();
        if (timed.isEmpty()) {
            return;
        }
        page.section("summary", "Summary");
        StringBuilder out = page.body();
        List<String> traces = page.traces();
        int forks = timed.stream().mapToInt(c -> Bootstrap.byForkCount(c.samples(), c.sampleForks())).max().orElse(0);
        long within = timed.stream()
                .filter(c -> Bootstrap.byForkCount(c.samples(), c.sampleForks()) < Bootstrap.MIN_FORKS).count();
        long drifted = timed.stream().filter(Cell::drifted).count();
        out.append("<p>").append(traces.size()).append(traces.size() == 1 ? " trace" : " traces").append(", up to ")
                .append(forks).append(forks == 1 ? " fork" : " forks").append(" per cell (a fork: a fresh process;"
                        + " forks are the independent unit every interval resamples). Ratios are paired: per fork,"
                        + " the allocator's median over the reference's, both measured in the same slot of the"
                        + " rotation; the ratio is their median over forks, with a 95% bootstrap interval. Ranks"
                        + " followed by = share an interval: the data do not order them.</p>\n");
        if (within > 0) {
            out.append("<p class=\"warning\">").append(within).append(within == 1 ? " cell has" : " cells have")
                    .append(" fewer than 3 forks: its interval is over iterations within one JVM, which are not"
                            + " independent, so it is too narrow; it is marked <em>within-JVM</em> and no verdict is"
                            + " drawn from it.</p>\n");
        }
        if (drifted > 0) {
            out.append("<p class=\"warning\">").append(drifted).append(drifted == 1 ? " cell" : " cells")
                    .append(String.format(Locale.ROOT, " drifted: the last half of the measured iterations differs"
                            + " from the first by at least %.0f%%, beyond the cell's noise (see the drift column): the"
                            + " process was still warming up. More warm-up iterations (<code>--warmup</code>) help."
                            + "</p>%n", DriftCheck.MATERIAL * 100));
        }
        for (Ranking.View v : Ranking.View.values()) {
            List<Ranking.Standing> standings = Ranking.overall(page.results(), v, Bootstrap.DEFAULT);
            if (!standings.isEmpty()) {
                overall(page, v, standings);
            }
        }
    }

    private static void overall(ReportPage page, Ranking.View v, List<Ranking.Standing> standings) {
        page.subheading(null, "Overall, " + v.title());
        page.body().append("<p>Geometric mean over the traces of each allocator's paired ratio to ")
                .append(Html.esc(v.reference())).append(" (below 1: faster); the interval draws forks jointly for"
                        + " all traces.</p>\n");
        DataTable table = page.table(List.of(Column.text("rank"), Column.text("allocator or lane"),
                Column.num("geometric mean [95% interval]"), Column.num("traces")));
        for (Ranking.Standing st : standings) {
            table.row(v.reference().equals(st.allocator()) ? "base" : null, st.rank(), Html.esc(st.allocator()),
                    Html.esc(CellText.ratio(st.geomean())), st.traces());
        }
        table.end();
    }
}
