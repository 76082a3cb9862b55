package org.allocbench.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * Memory-limit runs ({@code allocbench limit}): how little memory each
 * allocator needs to finish the trace, which is what a cgroup limit or a
 * crowded host decides. Per trace the smallest limit survived, or each
 * trial's outcome and peak, smallest first.
 */
final class LimitSection implements ReportSection {

    private static final String SMALLEST_LIMIT = "smallest-limit";
    private static final String LIMIT_RUN = "limit-run";
    private static final List<Column> COLUMNS = List.of(Column.text("allocator"), Column.text("kind"),
            Column.num("MiB"), Column.reason("outcome"));

    private static final String INTRODUCTION = "<p>Each trial replayed the trace in a C child in a fresh memory"
            + " cgroup (see the audit journal next to results.json). <em>Smallest limit</em>: the lowest limit"
            + " the allocator survived, bisected to 2%; lower is better: the same work in less memory. A"
            + " killed trial was stopped by the kernel (signal 9, OOM kill confirmed from the cgroup's"
            + " counters).</p>\n";

    @Override
    public void writeTo(ReportPage page) {
        List<Cell> cells = page.results().cells().stream()
                .filter(c -> c.metric().equals(SMALLEST_LIMIT) || c.metric().equals(LIMIT_RUN)).toList();
        if (cells.isEmpty()) {
            return;
        }
        page.section("limits", "Memory limits");
        page.body().append(INTRODUCTION);
        for (String trace : page.traces()) {
            List<Cell> rows = cells.stream().filter(c -> c.trace().equals(trace))
                    .sorted(Comparator.comparingDouble(c -> c.median() == null ? Double.MAX_VALUE : c.median()))
                    .toList();
            if (rows.isEmpty()) {
                continue;
            }
            page.subheading(null, trace);
            DataTable table = page.table(COLUMNS);
            for (Cell c : rows) {
                boolean smallest = c.metric().equals(SMALLEST_LIMIT);
                table.row(null, Html.esc(c.allocator()), smallest ? "smallest limit" : "peak under the limit",
                        c.median() == null ? "" : String.format(Locale.ROOT, "%.1f", c.median() / (1 << 20)),
                        Html.esc(outcome(c, smallest)));
            }
            table.end();
        }
    }

    private static String outcome(Cell c, boolean smallest) {
        if (!Cell.OK.equals(c.status())) {
            return c.status() + ": " + (c.reason() == null ? "" : c.reason());
        }
        return smallest ? "survived; " + c.stats().getOrDefault("probes", 0L) + " probes, "
                + c.stats().getOrDefault("killedProbes", 0L) + " killed" : "completed (peak)";
    }
}
