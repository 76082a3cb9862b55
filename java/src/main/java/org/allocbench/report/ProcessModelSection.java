package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunResults;

/**
 * The process model ({@code allocbench hugepages --processes}): page-table
 * memory per process and in all against the number of processes, per segment
 * kind and page mapping, beside the x86-64 expectation, then what each
 * process paid to attach, touch and replay. The figures were read from /proc
 * by the processes and their parent; nothing here is computed from a page
 * size but the expectation.
 */
final class ProcessModelSection implements ReportSection {

    private static final String INTRODUCTION = "<p>N backend-like processes map one shared segment, each"
            + " writes every 4 KiB of it and replays the trace through its own AllocSet, one after another, all"
            + " alive together. <em>Per process</em>: its VmPTE (/proc/PID/status) with every process attached"
            + " and touched, less its VmPTE before it attached, median over the processes; <em>expected</em>: 8"
            + " bytes per page in 4 KiB tables; <em>in all</em>: /proc/meminfo PageTables with all attached less"
            + " before the first (the processes' own page tables too).</p>\n";

    @Override
    public void writeTo(ReportPage page) throws IOException {
        RunResults run = page.allResults();
        List<String> segments = run.cells().stream().filter(c -> c.metric().equals(Cell.SEGMENT_PTE))
                .map(Cell::allocator).distinct().toList();
        if (segments.isEmpty()) {
            return;
        }
        String trace = run.traces().get(0);
        List<Integer> counts = run.processCounts();
        page.section("processes", "Processes on one shared segment: page tables");
        page.body().append(INTRODUCTION);
        List<Column> columns = new ArrayList<>(List.of(Column.text("segment")));
        counts.forEach(n -> columns.add(Column.num(n + (n == 1 ? " process" : " processes"))));
        columns.add(Column.num("expected"));
        DataTable table = page.table(columns);
        double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
        List<LineCharts.Line> perProcess = new ArrayList<>();
        List<LineCharts.Line> total = new ArrayList<>();
        boolean zeros = false;
        for (String segment : segments) {
            List<Object> row = new ArrayList<>(List.of(Html.esc(segment)));
            double[] mine = new double[counts.size()];
            double[] all = new double[counts.size()];
            Long expected = null;
            for (int i = 0; i < counts.size(); i++) {
                Cell c = cell(run, segment, trace, Cell.SEGMENT_PTE, counts.get(i));
                Cell t = cell(run, segment, trace, Cell.PAGE_TABLES, counts.get(i));
                mine[i] = c == null || c.median() == null ? Double.NaN : c.median();
                all[i] = t == null || t.median() == null ? Double.NaN : t.median();
                zeros |= mine[i] == 0;
                row.add(Double.isNaN(mine[i]) ? "-" : Numbers.bytes(mine[i]));
                if (c != null && c.stats().get("expectedBytes") != null) {
                    expected = c.stats().get("expectedBytes");
                }
            }
            row.add(expected == null ? "-" : Numbers.bytes(expected));
            table.row(null, row.toArray());
            perProcess.add(new LineCharts.Line(segment, x, mine));
            total.add(new LineCharts.Line(segment, x, all));
        }
        table.end();
        page.body().append("<p>PageTables of the whole system with every process attached, less before the first"
                + " (the processes' own page tables too; a growth at or below 0 is the rest of the system's"
                + " own changes):</p>\n");
        List<Column> totals = new ArrayList<>(List.of(Column.text("segment")));
        counts.forEach(n -> totals.add(Column.num(n + (n == 1 ? " process" : " processes"))));
        DataTable inAll = page.table(totals);
        for (LineCharts.Line line : total) {
            List<Object> row = new ArrayList<>(List.of(Html.esc(line.name())));
            for (double v : line.y()) {
                row.add(Double.isNaN(v) ? "-" : Numbers.bytes(v));
            }
            inAll.row(null, row.toArray());
        }
        inAll.end();
        page.namedFigure(LineCharts.draw("Page tables for the segment, per process", "processes",
                "bytes per process", perProcess, true, Double.NaN), "process-page-tables",
                "Page-table bytes per process against processes, by segment and page size; segments of the same"
                        + " page size lie on one another (the table has each)" + (zeros
                        ? "; 0 bytes cannot be drawn on a log scale: those mappings, 1 GiB pages, needed no new"
                                + " page-table page" : ""));
        page.namedFigure(LineCharts.draw("PageTables of the whole system, growth with all processes attached",
                "processes", "bytes", total, true, Double.NaN), "process-page-tables-total",
                "System-wide page-table growth against processes, by segment and page size (a growth of 0 or"
                        + " less, within the system's own changes, cannot be drawn on a log scale)");
        costs(page, run, trace, segments, counts);
    }

    /** Attach, first touch, its faults and the replay, per segment and process count. */
    private static void costs(ReportPage page, RunResults run, String trace, List<String> segments,
            List<Integer> counts) {
        page.body().append("<p>Each process's cost, median over processes [95% interval over processes]:"
                + " attach (shm_open and mmap, or shmat; anonymous segments are inherited, not attached), the first"
                + " touch of the whole segment and its minor faults, and the replay of " + Html.esc(trace) + ". With"
                + " one process, the touch also allocates and zeroes the pages (the later processes only map them),"
                + " and on a VM the host may be giving that memory to the guest for the first time.</p>\n");
        DataTable table = page.table(List.of(Column.text("segment"), Column.num("processes"),
                Column.num("attach µs"), Column.num("first touch ms"), Column.num("faults"),
                Column.num("replay ns/op")));
        for (String segment : segments) {
            for (int n : counts) {
                Cell touch = cell(run, segment, trace, Cell.FIRST_TOUCH, n);
                if (touch == null || touch.median() == null) {
                    Cell failed = cell(run, segment, trace, Cell.SEGMENT_PTE, n);
                    table.row("missing", Html.esc(segment), n, DataTable.Td.spanning("reason", 4,
                            Html.esc(failed == null ? "not run" : CellText.status(failed))));
                    continue;
                }
                Cell attach = cell(run, segment, trace, Cell.ATTACH, n);
                Cell faults = cell(run, segment, trace, Cell.TOUCH_FAULTS, n);
                Cell replay = cell(run, segment, trace, Cell.WHOLE_TRACE, n);
                table.row(null, Html.esc(segment), n, segment.startsWith("anonymous/") ? "inherited"
                        : Numbers.significant(attach.median() / 1e3),
                        scaled(touch, 1e-6), Numbers.count(Math.round(faults.median())), scaled(replay, 1));
            }
        }
        table.end();
    }

    private static String scaled(Cell c, double scale) {
        if (c == null || c.median() == null) {
            return "-";
        }
        return Numbers.significant(c.median() * scale) + (c.ciLow() == null ? ""
                : " [" + Numbers.significant(c.ciLow() * scale) + ", " + Numbers.significant(c.ciHigh() * scale) + "]");
    }

    private static Cell cell(RunResults run, String segment, String trace, String metric, int processes) {
        return run.cell(new CellKey(segment, trace, metric, 1, processes));
    }

}
