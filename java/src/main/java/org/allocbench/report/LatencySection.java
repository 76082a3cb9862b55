package org.allocbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.allocbench.measure.HlogFiles;
import org.allocbench.report.DataTable.Column;
import org.allocbench.results.Cell;

/**
 * Per-op latency percentiles, from the HdrHistogram logs (.hlog) the cells
 * list: the tail that a median hides (an allocator that is fast on average
 * but stalls now and then). One table of percentiles and one percentile
 * curve chart per trace. A listed log that is missing or unreadable is a
 * problem of the run, listed at the end, not a failed report.
 */
final class LatencySection implements ReportSection {

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final List<Column> COLUMNS = List.of(Column.text("allocator"), Column.num("p50 ns"),
            Column.num("p90 ns"), Column.num("p99 ns"), Column.num("p99.9 ns"), Column.num("max ns"),
            Column.num("ops recorded"));

    private static final String INTRODUCTION = "<p>Per-op latency distributions recorded with HdrHistogram (the"
            + " cells' .hlog files): each op timed alone, so each value includes about one timer read; values"
            + " near the timer's cost mean \"faster than the timer resolves\". The x axis is laid out as"
            + " HdrHistogram plots it: 1/(1 - p) on a log scale, so 90%, 99%, 99.9%, ... are equally far apart"
            + " and the tail is visible.</p>\n";

    @Override
    public void writeTo(ReportPage page) throws IOException {
        Map<String, List<Map.Entry<String, Histogram>>> byTrace = histograms(page);
        if (byTrace.isEmpty()) {
            return;
        }
        page.section("latency", "Latency percentiles");
        page.body().append(INTRODUCTION);
        for (Map.Entry<String, List<Map.Entry<String, Histogram>>> e : byTrace.entrySet()) {
            trace(page, e.getKey(), e.getValue());
        }
    }

    /** Per trace (in the run's order), each allocator's histogram summed over its logs' intervals. */
    private static Map<String, List<Map.Entry<String, Histogram>>> histograms(ReportPage page) {
        Map<String, List<Map.Entry<String, Histogram>>> byTrace = new LinkedHashMap<>();
        for (String trace : page.traces()) {
            for (Cell c : page.results().cells()) {
                if (!trace.equals(c.trace())) {
                    continue;
                }
                for (String f : c.files()) {
                    if (!f.endsWith(".hlog")) {
                        continue;
                    }
                    Histogram h = readHlog(page, f);
                    if (h != null && h.getTotalCount() > 0) {
                        byTrace.computeIfAbsent(trace, t -> new ArrayList<>()).add(Map.entry(c.allocator(), h));
                    }
                }
            }
        }
        return byTrace;
    }

    private static void trace(ReportPage page, String trace, List<Map.Entry<String, Histogram>> histograms)
            throws IOException {
        page.subheading("latency-" + trace, trace);
        List<PercentileChart.Curve> curves = new ArrayList<>();
        DataTable table = page.table(COLUMNS);
        List<Map.Entry<String, Histogram>> fastestFirst = new ArrayList<>(histograms);
        fastestFirst.sort(Comparator.comparingLong(x -> x.getValue().getValueAtPercentile(50)));
        for (Map.Entry<String, Histogram> a : fastestFirst) {
            Histogram h = a.getValue();
            List<Object> cells = new ArrayList<>();
            cells.add(Html.esc(a.getKey()));
            for (double p : PERCENTILES) {
                cells.add(Numbers.count(h.getValueAtPercentile(p)));
            }
            cells.add(Numbers.count(h.getMaxValue()));
            cells.add(Numbers.count(h.getTotalCount()));
            table.row(null, cells.toArray());
            curves.add(curve(a.getKey(), h));
        }
        table.end();
        page.figure(PercentileChart.draw(trace + ": per-op latency by percentile", "latency per op (ns)", curves),
                "latency-" + trace, "Per-op latency percentile curves in trace " + trace);
    }

    /** The histogram's percentile curve: five points per halving of the distance to 100%, as HdrHistogram steps. */
    private static PercentileChart.Curve curve(String name, Histogram h) {
        List<Double> ps = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(5)) {
            ps.add(v.getPercentileLevelIteratedTo());
            vs.add((double) v.getValueIteratedTo());
        }
        return new PercentileChart.Curve(name, ps.stream().mapToDouble(Double::doubleValue).toArray(),
                vs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The log's intervals summed into one histogram; null (and a problem noted) if it cannot be read. */
    private static Histogram readHlog(ReportPage page, String relative) {
        Path runDir = page.runDir();
        Path file = runDir.resolve(relative).normalize();
        if (!file.startsWith(runDir.normalize())) {
            page.problem(relative + ": outside the run directory, not read");
            return null;
        }
        if (!Files.isReadable(file)) {
            page.problem(relative + ": listed in results.json but missing");
            return null;
        }
        try {
            Histogram sum = null;
            for (Histogram h : HlogFiles.read(file)) {
                if (sum == null) {
                    sum = h.copy();
                } else {
                    sum.add(h);
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            page.problem(relative + ": not a readable HdrHistogram log (" + e.getMessage() + ")");
            return null;
        }
    }
}
