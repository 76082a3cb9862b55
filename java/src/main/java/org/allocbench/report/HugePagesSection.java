package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * Huge pages: whether backing the AllocSet's blocks with larger pages pays.
 * Two sources, each shown when present: the run's segment cells
 * (aset-native-segment@MODE next to aset-native, per trace) and the JMH
 * results of HugePagesBenchmark in {@code hugepages/} (first touch, random
 * access and replay per page mapping). Every row is compared with 4 KiB
 * pages of the same kind, the mapping nothing special is asked of.
 */
final class HugePagesSection implements ReportSection {

    private static final String SEGMENTS_INTRODUCTION = "<p>The native AllocSet with its blocks on a shared memory"
            + " segment mapped with each page mode (4k: normal pages; thp: transparent huge pages; 2m, 1g: explicit"
            + " huge pages), next to " + LaneKind.REFERENCE + " with malloc'd blocks; median ns/op with 95% interval."
            + " <em>vs 4k</em> is the ratio to the 4k-page segment in the same trace.</p>\n";
    private static final String JMH_INTRODUCTION = "<p>HugePagesBenchmark (JMH, files in <code>"
            + HugePagesJmh.DIRECTORY + "/</code>): a segment mapped with each page mode, first touched, read at"
            + " random, and used for an AllocSet replay. Whiskers and intervals are JMH's 99.9% confidence"
            + " intervals; <em>vs 4k</em> is the ratio to 4 KiB pages of the same segment kind; faults/GiB are the"
            + " minor page faults of the first touch per GiB.</p>\n";
    private static final List<Column> SEGMENT_COLUMNS = List.of(Column.text("blocks from"),
            Column.num("median ns/op"), Column.num("95% interval"), Column.num("vs 4k"));
    private static final String FIRST_TOUCH = "firstTouch";

    @Override
    public void writeTo(ReportPage page) throws IOException {
        List<HugePagesJmh.Score> jmh = HugePagesJmh.read(page.runDir(), page.problems());
        boolean cells = page.results().cells().stream().anyMatch(LaneKind::onSegment);
        if (jmh.isEmpty() && !cells) {
            return;
        }
        page.section("hugepages", "Huge pages");
        if (cells) {
            page.body().append(SEGMENTS_INTRODUCTION);
            for (String trace : page.traces()) {
                segmentCells(page, trace);
            }
        }
        if (!jmh.isEmpty()) {
            page.body().append(JMH_INTRODUCTION);
            Set<String> benchmarks = new LinkedHashSet<>();
            jmh.forEach(s -> benchmarks.add(s.benchmark()));
            boolean manyKinds = jmh.stream().map(HugePagesJmh.Score::kind).distinct().count() > 1;
            for (String b : benchmarks) {
                benchmark(page, b, jmh.stream().filter(s -> s.benchmark().equals(b)).toList(), manyKinds);
            }
        }
    }

    /** The trace's AllocSet replay per page mode, and aset-native's with malloc'd blocks; nothing without segments. */
    private static void segmentCells(ReportPage page, String trace) throws IOException {
        List<Cell> seg = page.results().cells().stream().filter(c -> trace.equals(c.trace())
                && Cell.REPLAY.equals(c.metric()) && (LaneKind.onSegment(c)
                || c.allocator().equals(LaneKind.REFERENCE))).toList();
        if (seg.stream().noneMatch(LaneKind::onSegment)) {
            return;
        }
        page.subheading("hugepages-" + trace, trace);
        Cell four = page.results().cell(LaneKind.SEGMENT_PREFIX + "4k", trace, Cell.REPLAY);
        double base = four == null || !Cell.OK.equals(four.status()) ? Double.NaN : CellText.median(four);
        DataTable table = page.table(SEGMENT_COLUMNS);
        List<BarCharts.Bar> bars = new ArrayList<>();
        for (Cell c : seg) {
            String label = LaneKind.onSegment(c)
                    ? "segment, " + c.allocator().substring(LaneKind.SEGMENT_PREFIX.length()) + " pages"
                    : "malloc'd (" + LaneKind.REFERENCE + ")";
            if (!Cell.OK.equals(c.status())) {
                table.row("missing", Html.esc(label), DataTable.Td.spanning("reason", SEGMENT_COLUMNS.size() - 1,
                        Html.esc(CellText.status(c))));
                continue;
            }
            double m = CellText.median(c);
            table.row(null, Html.esc(label), Numbers.significant(m), CellText.interval(c),
                    Double.isNaN(base) ? "-" : Numbers.ratio(m / base));
            bars.add(CellText.bar(label, LaneKind.onSegment(c) ? LaneKind.SEGMENT_GROUP : LaneKind.REFERENCE_GROUP, c));
        }
        table.end();
        if (!bars.isEmpty()) {
            page.figure(BarCharts.bars(trace + ": AllocSet replay by page mode (median, whiskers: 95% interval)",
                    "where the AllocSet's blocks live", "time per op (ns/op)", bars,
                    List.of(LaneKind.SEGMENT_GROUP, LaneKind.REFERENCE_GROUP), 20, ""),
                    "hugepages-cells-" + trace, "AllocSet replay time per op by page mode, trace " + trace);
        }
    }

    /** One HugePagesBenchmark method: its scores per kind and mapping, each against 4k pages of its kind. */
    private static void benchmark(ReportPage page, String b, List<HugePagesJmh.Score> rows, boolean manyKinds)
            throws IOException {
        HugePagesJmh.Score first = rows.get(0);
        String what = HugePagesJmh.describe(b, first.size(), first.trace());
        page.subheading("hugepages-" + b, what);
        boolean faults = b.equals(FIRST_TOUCH);
        List<Column> columns = new ArrayList<>(List.of(Column.text("kind"), Column.text("mapping"),
                Column.num("score"), Column.num("99.9% interval"), Column.text("unit"), Column.num("vs 4k")));
        if (faults) {
            columns.add(Column.num("faults/GiB"));
        }
        DataTable table = page.table(columns);
        String series = "HugePagesBenchmark." + b + " (whiskers: 99.9% interval)";
        List<BarCharts.Bar> bars = new ArrayList<>();
        for (HugePagesJmh.Score s : rows) {
            HugePagesJmh.Score four = rows.stream().filter(x -> x.kind().equals(s.kind())
                    && x.mapping().equals("4k")).findFirst().orElse(null);
            List<Object> cells = new ArrayList<>(List.of(Html.esc(s.kind()), Html.esc(s.mapping()),
                    Numbers.significant(s.score()), Double.isNaN(s.low()) ? "-" : Html.range(s.low(), s.high()),
                    Html.esc(s.unit()), four == null ? "-" : Numbers.ratio(s.score() / four.score())));
            if (faults) {
                cells.add(Double.isNaN(s.faultsPerGiB()) ? "-"
                        : String.format(Locale.ROOT, "%,.0f", s.faultsPerGiB()));
            }
            table.row(null, cells.toArray());
            bars.add(new BarCharts.Bar((manyKinds ? s.kind() + " " : "") + s.mapping(), series, s.score(), s.low(),
                    s.high()));
        }
        table.end();
        List<BarCharts.Group> groups = List.of(new BarCharts.Group(series, ChartStyle.SEGMENT));
        page.figure(BarCharts.bars(what, "page mapping (4k: normal pages; thp: transparent; 2m, 1g: explicit huge)",
                HugePagesJmh.axis(b, first.unit()), bars, groups, 20, ""),
                "hugepages-" + b, what + ": score per page mapping");
    }
}
