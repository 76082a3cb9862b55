package org.allocbench.report;

import java.util.List;

/**
 * A results table ({@code <table class="data">}) written row by row: the
 * columns are declared once, with their alignment, so a row gives only its
 * cells' contents. Numbers are right-aligned in tabular figures so a column
 * of timings can be compared at a glance; reasons wrap, everything else stays
 * on one line (see report.css).
 *
 * <p>Cell contents are HTML: the caller escapes what came from the run.
 */
final class DataTable {

    /** How a column's cells are set. */
    enum Align {
        /** Text on one line. */
        TEXT,
        /** A number, right-aligned ({@code class="num"}). */
        NUM,
        /** Free text that wraps: a status reason or an outcome ({@code class="reason"}). */
        REASON
    }

    /** A column: its header (HTML), alignment and tooltip (null: none). */
    record Column(String header, Align align, String title) {

        static Column text(String header) {
            return new Column(header, Align.TEXT, null);
        }

        static Column num(String header) {
            return new Column(header, Align.NUM, null);
        }

        static Column reason(String header) {
            return new Column(header, Align.REASON, null);
        }

        /** The same column with a tooltip on its header, for what a short header cannot say. */
        Column titled(String tooltip) {
            return new Column(header, align, tooltip);
        }
    }

    /**
     * A cell that does not follow its column: its own class (null: none) and
     * how many columns it spans (a row that has no values, only a status).
     */
    record Td(String cssClass, int colspan, String html) {

        static Td classed(String cssClass, String html) {
            return new Td(cssClass, 1, html);
        }

        static Td spanning(String cssClass, int colspan, String html) {
            return new Td(cssClass, colspan, html);
        }
    }

    private final StringBuilder out;
    private final List<Column> columns;

    /** Writes the table's head into {@code out}; rows follow with {@link #row}, then {@link #end}. */
    DataTable(StringBuilder out, List<Column> columns) {
        this.out = out;
        this.columns = List.copyOf(columns);
        out.append("<table class=\"data\"><thead><tr>");
        for (Column c : columns) {
            out.append("<th").append(c.align() == Align.NUM ? " class=\"num\"" : "")
                    .append(c.title() == null ? "" : " title=\"" + c.title() + "\"").append('>').append(c.header())
                    .append("</th>");
        }
        out.append("</tr></thead><tbody>");
    }

    /**
     * One row: {@code rowClass} on the {@code <tr>} (null: no class attribute), then
     * the cells in column order, each a {@link Td} or any other value written as
     * {@code String.valueOf} (HTML).
     */
    DataTable row(String rowClass, Object... cells) {
        out.append(rowClass == null ? "<tr>" : "<tr class=\"" + rowClass + "\">");
        int column = 0;
        for (Object cell : cells) {
            if (cell instanceof Td td) {
                out.append("<td").append(td.cssClass() == null ? "" : " class=\"" + td.cssClass() + "\"")
                        .append(td.colspan() > 1 ? " colspan=\"" + td.colspan() + "\"" : "").append('>')
                        .append(td.html());
                column += td.colspan();
            } else {
                out.append(switch (columns.get(column).align()) {
                    case TEXT -> "<td>";
                    case NUM -> "<td class=\"num\">";
                    case REASON -> "<td class=\"reason\">";
                }).append(cell);
                column++;
            }
            out.append("</td>");
        }
        out.append("</tr>");
        return this;
    }

    void end() {
        out.append("</tbody></table>\n");
    }
}
