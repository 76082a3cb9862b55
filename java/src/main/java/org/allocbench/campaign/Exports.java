package org.allocbench.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.Ranking;
import org.allocbench.stats.Ranking.View;
import org.allocbench.stats.RatioEstimate;

/**
 * A run's cells for existing dashboards. Only cells with status ok are
 * exported, named by {@link org.allocbench.results.CellKey#label()} ("aset-native x small-churn", with the
 * metric in parentheses when it is not "replay"), in results order.
 *
 * <ul>
 * <li>{@value #GITHUB_ACTION_BENCHMARK}: github-action-benchmark's
 *     {@code customSmallerIsBetter} tool: a list of {@code {name, unit, value,
 *     range, extra}}, value = the median, range = "± half the 95% interval".</li>
 * <li>{@value #BENCHER}: Bencher Metric Format: {@code {name: {"latency":
 *     {value, lower_value, upper_value}}}}, the median and the 95% interval in
 *     nanoseconds per op.</li>
 * </ul>
 *
 * <p>Both also carry the run's ranked ratios, computed by the same code as the
 * terminal tables and the report ({@link Ranking}): per trace and view, each
 * ranked allocator's paired ratio to the view's reference ("ratio glibc-c x
 * small-churn / aset-c"), and per view each allocator's geometric mean over
 * traces ("geomean glibc-c / aset-c"), unit "x", with their 95% intervals;
 * github-action-benchmark's {@code extra} names the interval's method and
 * the rank.
 */
public final class Exports {

    public static final String GITHUB_ACTION_BENCHMARK = "github-action-benchmark";
    public static final String BENCHER = "bencher";
    public static final List<String> FORMATS = List.of(GITHUB_ACTION_BENCHMARK, BENCHER);
    /** Where a run keeps its exports, relative to the run directory. */
    public static final String DIR = "exports";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Exports() {
    }

    /** The export of {@code run} in {@code format} (one of {@link #FORMATS}), as JSON text ending in a newline. */
    public static String export(RunResults run, String format) {
        Object value = switch (format) {
            case GITHUB_ACTION_BENCHMARK -> githubActionBenchmark(run);
            case BENCHER -> bencher(run);
            default -> throw new IllegalArgumentException("unknown export format \"" + format + "\" (known: "
                    + String.join(", ", FORMATS) + ")");
        };
        try {
            return JSON.writeValueAsString(value) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes both formats into {@code runDir/exports/}. */
    public static void writeAll(Path runDir, RunResults run) {
        try {
            Path dir = Files.createDirectories(runDir.resolve(DIR));
            for (String f : FORMATS) {
                Files.writeString(dir.resolve(f + ".json"), export(run, f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exports under " + runDir + ": " + e.getMessage(), e);
        }
    }

    static List<Map<String, Object>> githubActionBenchmark(RunResults run) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cell c : run.cells()) {
            if (!Cell.OK.equals(c.status()) || c.median() == null) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.key().label());
            m.put("unit", c.unit());
            m.put("value", c.median());
            boolean interval = c.ciLow() != null && c.ciHigh() != null; // a single-sample cell (limit runs) has none
            if (interval) {
                m.put("range", "± " + String.format(Locale.ROOT, "%.3f", (c.ciHigh() - c.ciLow()) / 2));
            }
            m.put("extra", String.format(Locale.ROOT, "metric %s; %d samples; %s; run %s", c.metric(),
                    c.samples().size(), interval ? String.format(Locale.ROOT, "95%% CI of the median %.3f..%.3f (%s)",
                            c.ciLow(), c.ciHigh(), method(c)) : "no interval",
                    run.run() == null ? "?" : run.run().id()));
            out.add(m);
        }
        for (Ratio r : ratios(run)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("unit", RATIO_UNIT);
            m.put("value", r.estimate().ratio());
            if (r.estimate().hasInterval()) {
                m.put("range", "± " + String.format(Locale.ROOT, "%.3f",
                        (r.estimate().high() - r.estimate().low()) / 2));
            }
            m.put("extra", String.format(Locale.ROOT, "rank %s; 95%% CI %s (%s)", r.rank(),
                    r.estimate().formatInterval(), r.estimate().method().label()));
            out.add(m);
        }
        return out;
    }

    /** The unit of the ratio entries. */
    static final String RATIO_UNIT = "x";

    /** A ranked ratio as exported: its name, the estimate and the rank it got. */
    record Ratio(String name, RatioEstimate estimate, String rank) {
    }

    /** The ranked ratios of both views, per trace then overall, as the tables and the report show them. */
    static List<Ratio> ratios(RunResults all) {
        // a scaling run ranks its allocators at its fewest threads (its cells of more have their own names above)
        RunResults run = all.comparable();
        List<Ratio> out = new ArrayList<>();
        List<String> traces = run.traces();
        for (View view : View.values()) {
            for (String trace : traces) {
                for (Ranking.Row r : Ranking.trace(run, trace, view, Bootstrap.DEFAULT)) {
                    if (!r.cell().allocator().equals(view.reference())) {
                        out.add(new Ratio("ratio " + r.cell().allocator() + " x " + trace + " / " + view.reference(),
                                r.ratio(), r.rank()));
                    }
                }
            }
            for (Ranking.Standing s : Ranking.overall(run, view, Bootstrap.DEFAULT)) {
                if (!s.allocator().equals(view.reference())) {
                    out.add(new Ratio("geomean " + s.allocator() + " / " + view.reference(), s.geomean(), s.rank()));
                }
            }
        }
        return out;
    }

    private static String method(Cell c) {
        return c.interval() == null ? "method not recorded" : c.interval().method() + " over " + c.interval().units()
                + " " + c.interval().unit() + "s";
    }

    static Map<String, Object> bencher(RunResults run) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Cell c : run.cells()) {
            if (!Cell.OK.equals(c.status()) || c.median() == null) {
                continue;
            }
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put("value", c.median());
            latency.put("lower_value", c.ciLow());
            latency.put("upper_value", c.ciHigh());
            out.put(c.key().label(), Map.of("latency", latency));
        }
        for (Ratio r : ratios(run)) {
            Map<String, Object> ratio = new LinkedHashMap<>();
            ratio.put("value", r.estimate().ratio());
            ratio.put("lower_value", r.estimate().hasInterval() ? r.estimate().low() : null);
            ratio.put("upper_value", r.estimate().hasInterval() ? r.estimate().high() : null);
            out.put(r.name(), Map.of("ratio", ratio));
        }
        return out;
    }
}
