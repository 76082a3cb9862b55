package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RatioEstimate;
import org.allocbench.stats.Scaling;

/**
 * Thread scaling (a run measured at several thread counts, the scale
 * campaign): per trace, the whole-trace C lanes' throughput and efficiency
 * against threads, drawn and tabled, then the per-op lanes' table. The numbers
 * are {@link Scaling}'s, the same as the terminal's. The other sections show
 * the run at its fewest threads.
 */
final class ScalingSection implements ReportSection {

    private static final String INTRODUCTION = "<p>Each cell measured at every thread count: each replay thread"
            + " replays the whole trace with its own context (the malloc peers share their process's heap), the"
            + " threads made before anything is timed and released together for every iteration. Throughput is"
            + " over all threads; <em>efficiency</em> = throughput / (threads &times; one thread's): 1.00 is"
            + " perfect, with a 95%% interval over forks (unpaired). %s; the campaign is meant for bigger hosts."
            + " The sections above show the run at %d thread(s).</p>\n";

    @Override
    public void writeTo(ReportPage page) throws IOException {
        RunResults run = page.allResults();
        List<Integer> counts = run.threadCounts();
        if (counts.size() < 2) {
            return;
        }
        page.section("scaling", "Thread scaling");
        // the CPUs of the host that ran it, as recorded: a report made elsewhere must say the same
        int cpus = run.environment().get("logicalCpus") instanceof Number n ? n.intValue() : 0;
        String shape = cpus > 0 ? String.format(Locale.ROOT, "This host's %d CPUs show the curve's shape up to %d"
                + " threads only", cpus, cpus) : "A host shows the curve's shape only up to as many threads as it has"
                + " CPUs";
        page.body().append(String.format(Locale.ROOT, INTRODUCTION, shape, counts.get(0)));
        for (String trace : run.traces()) {
            page.subheading("scaling-" + trace, trace);
            List<LineCharts.Line> throughput = new ArrayList<>();
            List<LineCharts.Line> efficiency = new ArrayList<>();
            table(page, run, trace, Cell.WHOLE_TRACE, counts, throughput, efficiency);
            page.namedFigure(LineCharts.draw(trace + ": throughput, whole trace in C", "replay threads",
                    "M ops/s over all threads", throughput, false, Double.NaN), "scaling-" + trace + "-throughput",
                    "Throughput against replay threads, whole trace in C, trace " + trace);
            page.namedFigure(LineCharts.draw(trace + ": efficiency, whole trace in C", "replay threads",
                    "throughput / (threads x one thread's)", efficiency, false, 1.0),
                    "scaling-" + trace + "-efficiency", "Scaling efficiency against replay threads, whole trace in C,"
                            + " trace " + trace);
            table(page, run, trace, Cell.REPLAY, counts, new ArrayList<>(), new ArrayList<>());
        }
    }

    /** One view's table (a row per lane), and its lines for the charts. */
    private static void table(ReportPage page, RunResults run, String trace, String metric, List<Integer> counts,
            List<LineCharts.Line> throughput, List<LineCharts.Line> efficiency) {
        List<String> lanes = run.cells().stream().filter(c -> c.trace().equals(trace) && c.metric().equals(metric))
                .map(Cell::allocator).distinct().toList();
        if (lanes.isEmpty()) {
            return;
        }
        page.body().append(metric.equals(Cell.WHOLE_TRACE) ? "<p>Whole trace in C, a pthread per replay thread."
                + " <em>added RSS/thread</em>: the runner's peak RSS during the trace less its RSS before it, per"
                + " thread (earlier traces of the same process leave what their allocator kept).</p>\n"
                : "<p>Per-op from Java, a JVM thread per replay thread.</p>\n");
        List<Column> columns = new ArrayList<>(List.of(Column.text("lane")));
        counts.forEach(n -> columns.add(Column.num(n + (n == 1 ? " thread: Mops/s (ns/op)"
                : " threads: Mops/s (ns/op per thread), eff."))));
        boolean memory = metric.equals(Cell.WHOLE_TRACE);
        if (memory) {
            columns.add(Column.num("added RSS/thread, 1 | " + counts.get(counts.size() - 1)));
        }
        DataTable table = page.table(columns);
        double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
        for (String lane : lanes) {
            List<Scaling.Point> points = Scaling.of(run, lane, trace, metric, Bootstrap.DEFAULT);
            if (points.isEmpty()) {
                continue; // not run at any count (the Not run section says why)
            }
            List<Object> row = new ArrayList<>(List.of(Html.esc(lane)));
            double[] mops = new double[counts.size()];
            double[] eff = new double[counts.size()];
            for (int i = 0; i < counts.size(); i++) {
                int n = counts.get(i);
                Scaling.Point p = points.stream().filter(q -> q.threads() == n).findFirst().orElse(null);
                mops[i] = p == null ? Double.NaN : p.opsPerSecond() / 1e6;
                eff[i] = p == null || p.efficiency() == null ? Double.NaN : p.efficiency().ratio();
                row.add(p == null ? "-" : text(p));
            }
            if (memory) {
                row.add(addedRss(points, 1) + " | " + addedRss(points, counts.get(counts.size() - 1)));
            }
            table.row(null, row.toArray());
            throughput.add(new LineCharts.Line(lane, x, mops));
            efficiency.add(new LineCharts.Line(lane, x, eff));
        }
        table.end();
    }

    private static String text(Scaling.Point p) {
        String mops = Numbers.significant(p.opsPerSecond() / 1e6) + " (" + Numbers.significant(p.nsPerOpPerThread())
                + ")";
        RatioEstimate e = p.efficiency();
        if (p.threads() == 1 || e == null) {
            return mops;
        }
        return mops + ", " + Numbers.ratio(e.ratio()) + (e.hasInterval()
                ? " [" + Numbers.ratio(e.low()) + ", " + Numbers.ratio(e.high()) + "]" + (e.overForks() ? "" : " ~")
                : "");
    }

    private static String addedRss(List<Scaling.Point> points, int threads) {
        return points.stream().filter(p -> p.threads() == threads && !Double.isNaN(p.addedRssPerThread()))
                .map(p -> String.format(Locale.ROOT, "%,.0f KiB", p.addedRssPerThread() / 1024)).findFirst()
                .orElse("-");
    }
}
