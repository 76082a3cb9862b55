package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * Memory held at the end of each trace, from the allocators' own statistics:
 * speed is half of an allocator's price, the memory it keeps is the other.
 * Per trace a table (total, used, free, blocks, free chunks, total/used) and
 * a stacked bar chart of used and free, in a unit that suits the largest
 * total.
 */
final class MemorySection implements ReportSection {

    private static final String INTRODUCTION = "<p>What each allocator held at the end of the trace, from its own"
            + " statistics (PostgreSQL's MemoryContextCounters terms): <strong>total</strong> is the memory"
            + " held from the OS or the underlying allocator, <strong>free</strong> what of it sits on"
            + " freelists or in unused block space, and <strong>used</strong> = total - free (live chunks,"
            + " with their headers and size-class rounding). The overhead <em>total/used</em> is the bytes"
            + " held per byte in use: 1.00 means nothing held beyond what is in use. An allocator that only"
            + " knows its total is drawn in grey; one that knows nothing is left out. Harness floors are left"
            + " out.</p>\n";

    /** A byte unit: its name and how many bytes it is. */
    private record Unit(String name, double bytes) {

        /** The largest unit in which the largest value is still at least 10. */
        static Unit forMax(long maxBytes) {
            if (maxBytes >= 10L << 30) {
                return new Unit("GiB", 1L << 30);
            }
            if (maxBytes >= 10L << 20) {
                return new Unit("MiB", 1L << 20);
            }
            if (maxBytes >= 10L << 10) {
                return new Unit("KiB", 1L << 10);
            }
            return new Unit("bytes", 1);
        }
    }

    @Override
    public void writeTo(ReportPage page) throws IOException {
        if (page.results().cells().stream().noneMatch(MemorySection::hasMemory)) {
            return;
        }
        page.section("memory", "Memory held");
        page.body().append(INTRODUCTION);
        for (String trace : page.traces()) {
            List<Cell> cells = new ArrayList<>(page.results().cells().stream()
                    .filter(c -> trace.equals(c.trace()) && hasMemory(c)).toList());
            if (!cells.isEmpty()) {
                cells.sort(Comparator.comparingLong(c -> c.stats().get("totalBytes")));
                trace(page, trace, cells);
            }
        }
    }

    /** An ok cell, not a floor, whose allocator reported a total above 0. */
    private static boolean hasMemory(Cell c) {
        return Cell.OK.equals(c.status()) && !Cell.FLOOR.equals(c.metric()) && c.stats().get("totalBytes") != null
                && c.stats().get("totalBytes") > 0;
    }

    private static void trace(ReportPage page, String trace, List<Cell> smallestFirst) throws IOException {
        page.subheading("memory-" + trace, trace);
        Unit unit = Unit.forMax(smallestFirst.stream().mapToLong(c -> c.stats().get("totalBytes")).max().orElse(1));
        DataTable table = page.table(List.of(Column.text("allocator"), Column.text("kind"),
                Column.num("total " + unit.name()), Column.num("used " + unit.name()),
                Column.num("free " + unit.name()), Column.num("blocks"), Column.num("free chunks"),
                Column.num("total/used")));
        List<String> labels = new ArrayList<>();
        List<Double> used = new ArrayList<>();
        List<Double> free = new ArrayList<>();
        List<Double> totalOnly = new ArrayList<>();
        for (Cell c : smallestFirst) {
            Map<String, Long> s = c.stats();
            long total = s.get("totalBytes");
            Long u = s.get("usedBytes");
            Long f = s.get("freeBytes");
            if (u == null && f != null) {
                u = total - f;
            }
            if (f == null && u != null) {
                f = total - u;
            }
            table.row(null, Html.esc(c.allocator()), LaneKind.of(c).label, Numbers.significant(total / unit.bytes()),
                    u == null ? "-" : Numbers.significant(u / unit.bytes()),
                    f == null ? "-" : Numbers.significant(f / unit.bytes()), Numbers.countOrDash(s.get("blocks")),
                    Numbers.countOrDash(s.get("freeChunks")), u == null || u <= 0 ? "-"
                            : Numbers.ratio(total / (double) u));
            labels.add(c.allocator() + (LaneKind.of(c) == LaneKind.WHOLE ? " (lane)" : ""));
            used.add(u == null ? 0.0 : u / unit.bytes());
            free.add(u == null ? 0.0 : f / unit.bytes());
            totalOnly.add(u == null ? total / unit.bytes() : 0.0);
        }
        table.end();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("used (live chunks)", used);
        series.put("free (held, not in use)", free);
        series.put("total only (used/free not known)", totalOnly);
        page.figure(BarCharts.stacked(trace + ": memory held at the end of the trace", "allocator",
                "memory held (" + unit.name() + ")", labels, series,
                List.of(ChartStyle.USED, ChartStyle.FREE, ChartStyle.TOTAL_ONLY), ""),
                "memory-" + trace, "Memory held at the end of trace " + trace + ", used and free, in " + unit.name());
    }
}
