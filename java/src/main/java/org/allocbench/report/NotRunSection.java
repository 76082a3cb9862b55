package org.allocbench.report;

import java.util.List;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * Every cell that has no value, with its status and reason: a missing
 * allocator or a failed mapping must be visible, or a table with fewer rows
 * would read as the whole comparison.
 */
final class NotRunSection implements ReportSection {

    private static final List<Column> COLUMNS = List.of(Column.text("allocator"), Column.text("trace"),
            Column.text("metric"), Column.text("status"), Column.reason("reason"));

    @Override
    public void writeTo(ReportPage page) {
        List<Cell> missing = page.results().cells().stream().filter(c -> !Cell.OK.equals(c.status())).toList();
        if (missing.isEmpty()) {
            return;
        }
        page.section("not-run", "Not run or failed");
        boolean hosts = missing.stream().anyMatch(c -> c.host() != null); // a merged run: which host's cell
        List<Column> columns = new java.util.ArrayList<>(COLUMNS);
        if (hosts) {
            columns.add(0, Column.text("host"));
        }
        DataTable table = page.table(columns);
        for (Cell c : missing) {
            List<Object> row = new java.util.ArrayList<>();
            if (hosts) {
                row.add(Html.esc(String.valueOf(c.host())));
            }
            row.addAll(List.of(Html.esc(c.allocator()), Html.esc(c.trace()), Html.esc(c.metric()),
                    DataTable.Td.classed(Cell.FAILED.equals(c.status()) ? "bad" : "muted",
                            Html.esc(String.valueOf(c.status()))),
                    Html.esc(c.reason() == null ? "(no reason recorded)" : c.reason())));
            table.row(null, row.toArray());
        }
        table.end();
    }
}
