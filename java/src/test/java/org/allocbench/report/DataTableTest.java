package org.allocbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.allocbench.report.DataTable.Column;
import org.allocbench.report.DataTable.Td;
import org.junit.jupiter.api.Test;

/** The results table: header and cells set by their column, and the cells that are not. */
class DataTableTest {

    @Test
    void cellsAreSetByTheirColumnUnlessTheySayOtherwise() {
        StringBuilder out = new StringBuilder();
        DataTable table = new DataTable(out, List.of(Column.text("allocator"),
                Column.num("ns").titled("median"), Column.reason("why")));
        table.row(null, "glibc", 42, "slow &amp; steady");
        table.row("", "a", Td.classed("bad", "b"), "c");
        table.row("missing", "jemalloc", Td.spanning("reason", 2, "not-run"));
        table.end();
        assertEquals("<table class=\"data\"><thead><tr><th>allocator</th><th class=\"num\" title=\"median\">ns</th>"
                + "<th>why</th></tr></thead><tbody>"
                + "<tr><td>glibc</td><td class=\"num\">42</td><td class=\"reason\">slow &amp; steady</td></tr>"
                + "<tr class=\"\"><td>a</td><td class=\"bad\">b</td><td class=\"reason\">c</td></tr>"
                + "<tr class=\"missing\"><td>jemalloc</td><td class=\"reason\" colspan=\"2\">not-run</td></tr>"
                + "</tbody></table>\n", out.toString());
    }
}
