package org.allocbench.report;

import java.util.List;
import org.allocbench.fit.ContextFit;
import org.allocbench.fit.FitTable;
import org.allocbench.fit.FitVerdict;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * {@code allocbench fit} runs: per trace, every context kind and malloc peer replaying it whole in C, with
 * the verdict of which context fits ({@link FitVerdict}); the same figures the command printed.
 */
final class FitSection implements ReportSection {

    private static final List<Column> COLUMNS = List.of(Column.text("lane"), Column.num("ns/op"),
            Column.num("x AllocSet"), Column.num("peak MiB"), Column.num("peak/live"), Column.num("retained MiB"),
            Column.reason("note"));

    private static final String INTRODUCTION = "<p>Each lane replayed the whole trace in C, a fresh process per fork"
            + " (one untimed iteration, then the timed ones; the lanes' order rotated from fork to fork); the figures"
            + " are medians over the forks. <em>peak</em>: the RSS the replay added to its process;"
            + " <em>peak/live</em>: that over the most bytes the trace holds live at once (1.00 would be no overhead"
            + " at all); <em>retained</em>: what the process still held once everything was released. A context"
            + " kind fits better than AllocSet only if its time ratio times its peak ratio is at most 0.9 (peaks below"
            + " 64 KiB count as 64 KiB: a few pages are noise between processes). A kind"
            + " that cannot do what the trace does (Bump cannot pfree; Slab takes one size per context) is listed"
            + " with the reason.</p>\n";

    @Override
    public void writeTo(ReportPage page) {
        List<Cell> cells = page.results().cells().stream().filter(c -> c.metric().equals(ContextFit.METRIC)).toList();
        if (cells.isEmpty()) {
            return;
        }
        page.section("fit", "Which context fits?");
        page.body().append(INTRODUCTION);
        for (String trace : page.traces()) {
            List<Cell> rows = cells.stream().filter(c -> c.trace().equals(trace)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            page.subheading(null, trace);
            Cell aset = FitVerdict.ran(rows, WholeTraceLane.ASET.laneName()).orElse(null);
            DataTable table = page.table(COLUMNS);
            for (Cell c : rows) {
                if (!Cell.OK.equals(c.status())) {
                    table.row(null, Html.esc(c.allocator()), "", "", "", "", "",
                            Html.esc(c.status() + ": " + c.reason()));
                    continue;
                }
                List<String> f = FitTable.figures(c, aset);
                table.row(null, Html.esc(c.allocator()), f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), "");
            }
            table.end();
            page.body().append("<p><strong>Verdict:</strong> ").append(Html.esc(FitVerdict.of(rows).line()))
                    .append("</p>\n");
        }
    }
}
