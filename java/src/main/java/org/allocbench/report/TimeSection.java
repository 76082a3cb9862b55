package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.Ranking;
import org.allocbench.stats.RatioEstimate;

/**
 * Time per op, per trace: the measurements the run exists for. One table per
 * trace, rows grouped by {@link LaneKind} (the whole-trace allocator
 * comparison, PostgreSQL, floors, the per-op lanes, the allocators that skip
 * frees), ranked rows in their ranking's order with the paired ratio to the
 * reference; then a bar chart with the intervals as whiskers, and a warning
 * under the table wherever a floor is not below what it is the floor of.
 */
final class TimeSection implements ReportSection {

    private static final String INTRODUCTION = "<p>Each value is the median over forks of each fork's median"
            + " ns/op over its measured iterations (an iteration: the whole trace"
            + " replayed once, its wall time divided by the ops); the interval is the 95% confidence interval"
            + " of that median, as results.json records it, drawn as whiskers on the bars. Kinds, in the order"
            + " shown: <span class=\"tag whole\">whole-trace</span> lanes replay the whole trace in C, each"
            + " allocator in a process of its own with no FFM call per op: the allocator comparison, ranked by"
            + " the paired ratio to " + LaneKind.WHOLE_TRACE_REFERENCE + " (per fork, both in the same slot of the"
            + " rotation; the median over forks, with its 95% interval; ranks followed by = overlap);"
            + " <span class=\"tag per-op\">per-op</span> lanes"
            + " replay op by op through the allocator interface from Java (one FFM downcall per op for the native"
            + " allocators), ranked by the paired ratio to " + LaneKind.REFERENCE + ", with the <em>binding</em>"
            + " price: the per-op"
            + " median minus the same allocator's whole-trace median; <span class=\"tag skips\">skips frees</span>:"
            + " allocators that cannot free single allocations do less work and are never ranked;"
            + " <span class=\"tag floor\">floor</span>: the replay loop with no allocator (and a no-op downcall"
            + " per op), which must be below every allocator of its kind. <em>faults/it</em> is the median of"
            + " the minor page faults per iteration. Absolute times on a shared host are noisy: read the"
            + " ratios.</p>\n";

    private static final List<Column> COLUMNS = List.of(Column.text("rank"), Column.text("allocator or lane"),
            Column.text("kind"), Column.num("median ns/op"), Column.num("95% interval"),
            Column.num("&plusmn; %").titled("half the interval's width, as a share of the median"),
            Column.num("ratio [95% interval]"),
            Column.num("binding").titled("per-op minus the same allocator's whole-trace lane"),
            Column.num("faults/it"), Column.num("samples"),
            Column.text("drift").titled("late/early: the last half of the measured iterations against"
                    + " the first, where that moved beyond the cell's noise"));

    private static final List<BarCharts.Group> CHART_GROUPS = List.of(LaneKind.PER_OP_GROUP, LaneKind.REFERENCE_GROUP,
            LaneKind.SEGMENT_GROUP, LaneKind.WHOLE_GROUP, LaneKind.FLOOR_GROUP);

    @Override
    public void writeTo(ReportPage page) throws IOException {
        if (page.results().cells().stream().noneMatch(LaneKind::timed)) {
            return;
        }
        page.section("time", "Time per op");
        page.body().append(INTRODUCTION);
        for (String trace : page.traces()) {
            List<Cell> cells = page.results().cells().stream()
                    .filter(c -> trace.equals(c.trace()) && LaneKind.timed(c)).toList();
            if (!cells.isEmpty()) {
                trace(page, trace, cells);
            }
        }
    }

    private static void trace(ReportPage page, String trace, List<Cell> cells) throws IOException {
        page.subheading("time-" + trace, trace);
        Map<Cell, Ranking.Row> rows = new IdentityHashMap<>();
        Map<Cell, Integer> position = new IdentityHashMap<>(); // in its view's ranking
        for (Ranking.View v : Ranking.View.values()) {
            for (Ranking.Row r : Ranking.trace(page.results(), trace, v, Bootstrap.DEFAULT)) {
                position.put(r.cell(), position.size());
                rows.put(r.cell(), r);
            }
        }
        List<Cell> ok = inTableOrder(cells.stream()
                .filter(c -> Cell.OK.equals(c.status()) && !Double.isNaN(CellText.median(c))).toList(), position);
        int threads = page.results().settings() == null ? 1 : page.results().settings().threads();
        DataTable table = page.table(COLUMNS);
        LaneKind last = null;
        for (Cell c : ok) {
            LaneKind k = LaneKind.of(c);
            Ranking.Row row = rows.get(c);
            RatioEstimate ratio = row != null ? row.ratio() : k == LaneKind.PG_REAL || k == LaneKind.WHOLE_FLOOR
                    ? Ranking.toReference(page.results(), c, Ranking.View.WHOLE_TRACE, Bootstrap.DEFAULT) : null;
            table.row(rowClass(c, k, last), row != null ? row.rank() : "", Html.esc(c.allocator()),
                    "<span class=\"tag " + k.tag + "\">" + k.label + "</span>",
                    Numbers.significant(CellText.median(c)), CellText.interval(c), CellText.halfWidth(c),
                    Html.esc(ratio == null ? "-" : CellText.ratio(ratio)),
                    k != LaneKind.PER_OP ? "" : threads > 1 ? "-" : binding(page, c),
                    c.medianMinorFaults() == null ? "-" : String.format(Locale.ROOT, "%.0f", c.medianMinorFaults()),
                    c.samples().size(), drift(c));
            last = k;
        }
        for (Cell c : cells) {
            if (!ok.contains(c)) {
                table.row("missing", "", Html.esc(c.allocator()), LaneKind.of(c).label,
                        DataTable.Td.spanning("reason", COLUMNS.size() - 3, Html.esc(CellText.status(c))));
            }
        }
        table.end();
        floorWarnings(page, ok);
        if (ok.isEmpty()) {
            return;
        }
        List<BarCharts.Bar> bars = new ArrayList<>();
        for (Cell c : ok) {
            bars.add(CellText.bar(c.allocator(), LaneKind.chartGroup(c), c));
        }
        page.figure(BarCharts.bars(trace + ": time per op (median, whiskers: 95% interval)", "allocator or lane",
                "time per op (ns/op)", bars, CHART_GROUPS, 20, ""), "time-" + trace, "Time per op in trace " + trace
                        + ": median ns/op per allocator and lane with 95% interval whiskers");
    }

    /**
     * By kind (whole-trace lanes, their floor, per-op, skips frees, per-op floors); within a kind the ranked
     * cells in their ranking's order (by paired ratio, which can differ from the order of medians), the
     * others by median.
     */
    private static List<Cell> inTableOrder(List<Cell> cells, Map<Cell, Integer> position) {
        List<Cell> sorted = new ArrayList<>(cells);
        sorted.sort(Comparator.comparing((Cell c) -> LaneKind.of(c).ordinal())
                .thenComparingDouble(CellText::median));
        sorted.sort(Comparator.comparing((Cell c) -> LaneKind.of(c).ordinal())
                .thenComparingInt(c -> position.getOrDefault(c, Integer.MAX_VALUE)));
        return sorted;
    }

    /**
     * The row's classes: its kind's tag (none for the ranked kinds), "sep" where the kind changes, "base" for
     * the references.
     */
    private static String rowClass(Cell c, LaneKind k, LaneKind previous) {
        String cls = (k == LaneKind.PER_OP || k == LaneKind.WHOLE ? "" : k.tag)
                + (previous != null && previous != k ? " sep" : "") + (LaneKind.REFERENCE.equals(c.allocator())
                || LaneKind.WHOLE_TRACE_REFERENCE.equals(c.allocator()) ? " base" : "");
        return cls.trim();
    }

    /** "late/early 1.12 (20.1 &rarr; 22.5)" for a cell that drifted, else nothing. */
    private static String drift(Cell c) {
        return c.drifted() ? String.format(Locale.ROOT, "late/early %.2f (%s &rarr; %s)", c.drift().ratio(),
                Numbers.significant(c.drift().early()), Numbers.significant(c.drift().late())) : "";
    }

    /** The per-op median minus the same allocator's whole-trace lane's, or "-" where it has none. */
    private static String binding(ReportPage page, Cell perOp) {
        return WholeTraceLane.ofPerOp(perOp.allocator())
                .map(l -> page.results().cell(l.laneName(), perOp.trace(), Cell.WHOLE_TRACE))
                .filter(c -> Cell.OK.equals(c.status()) && c.median() != null)
                .map(c -> String.format(Locale.ROOT, "%+.1f", CellText.median(perOp) - CellText.median(c)))
                .orElse("-");
    }

    /**
     * A floor that is not below every allocator of its kind is said so, loudly, under the table (the binding
     * floor only against the lanes that call native code per op).
     */
    private static void floorWarnings(ReportPage page, List<Cell> ok) {
        for (Cell floor : ok) {
            LaneKind fk = LaneKind.of(floor);
            if (fk != LaneKind.FLOOR && fk != LaneKind.WHOLE_FLOOR) {
                continue;
            }
            boolean binding = floor.allocator().equals(PerOpLanes.BINDING_FLOOR);
            for (Cell c : ok) {
                LaneKind k = LaneKind.of(c);
                boolean of = fk == LaneKind.FLOOR ? k == LaneKind.PER_OP : k == LaneKind.WHOLE || k == LaneKind.PG_REAL;
                if (of && (!binding || PerOpLanes.callsNativePerOp(c.allocator()))
                        && CellText.median(c) <= CellText.median(floor)) {
                    page.body().append("<p class=\"warning\">The floor ").append(Html.esc(floor.allocator()))
                            .append(" (").append(Numbers.significant(CellText.median(floor)))
                            .append(" ns/op) is not below ").append(Html.esc(c.allocator())).append(" (")
                            .append(Numbers.significant(CellText.median(c)))
                            .append(" ns/op): read that row with care.</p>\n");
                }
            }
        }
    }
}
