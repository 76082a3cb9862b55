package org.allocbench.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.allocbench.alloc.Allocators;
import org.allocbench.measure.HlogFiles;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.DriftCheck;
import org.allocbench.stats.Ranking;
import org.allocbench.stats.RatioEstimate;

/**
 * report.html of a run directory. {@link #write} reads results.json, renders
 * the charts into {@code charts/*.png} and writes {@code report.html} with
 * every chart embedded as a {@code data:} URI: the file alone is the report
 * (no network, stylesheet, script or font from elsewhere at view time).
 *
 * <p>Sections, each only when the run has its data: run and environment;
 * time per op per trace (ranked table with median, 95% interval and ratio to
 * aset-native, and a bar chart with the intervals; whole-trace lanes and
 * harness floors in their own colours); latency percentile curves (from the
 * .hlog files the cells list); memory held at the end of the trace (from the
 * cells' stats); huge pages (the aset-native-segment@MODE cells, and JMH JSON
 * of HugePagesBenchmark in {@code hugepages/}); cells not run or failed, with
 * their reasons.
 */
public final class RunReport {

    public static final String REPORT_FILE = "report.html";
    public static final String CHARTS_DIR = "charts";
    /** The allocator every ratio is to. */
    public static final String BASELINE = Ranking.View.PER_OP.reference();

    /** The whole-trace lane every whole-trace ratio is to. */
    static final String C_BASELINE = Ranking.View.WHOLE_TRACE.reference();
    private static final String PG15_REAL = "pg15-real";
    static final String SEGMENT_PREFIX = PerOpLanes.SEGMENT_PREFIX;

    private static final String PER_OP_GROUP = "per-op replay";
    private static final String REFERENCE_GROUP = "aset-native (reference)";
    private static final String SEGMENT_GROUP = "aset-native, blocks on a segment";
    private static final String WHOLE_GROUP = "whole-trace lane";
    private static final String FLOOR_GROUP = "harness floor";


    private final Path runDir;
    private final RunResults results;
    private final Path chartsDir;
    private final StringBuilder html = new StringBuilder(1 << 16);
    private final List<String> problems = new ArrayList<>();
    private final List<String[]> toc = new ArrayList<>();
    private final StringBuilder body = new StringBuilder(1 << 16);
    private int chartCount;

    private RunReport(Path runDir, RunResults results) {
        this.runDir = runDir;
        this.results = results;
        this.chartsDir = runDir.resolve(CHARTS_DIR);
    }

    /**
     * Writes {@code runDir/report.html} (and {@code runDir/charts/*.png}) for
     * the run in {@code runDir}; returns the report's path. Throws
     * IllegalArgumentException when the directory holds no readable results.
     */
    public static Path write(Path runDir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        RunResults results = ResultsStore.read(runDir);
        RunReport r = new RunReport(runDir, results);
        r.prepareChartsDir();
        String page = r.render();
        Path target = runDir.resolve(REPORT_FILE);
        Path temp = runDir.resolve(REPORT_FILE + ".tmp");
        Files.writeString(temp, page, StandardCharsets.UTF_8);
        Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Charts of an earlier report of this run go: the new report draws all it needs. */
    private void prepareChartsDir() throws IOException {
        Files.createDirectories(chartsDir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(chartsDir, "*.png")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
    }

    private String render() throws IOException {
        List<String> traces = results.traces();
        runSection();
        summarySection(traces);
        environmentSection();
        timeSection(traces);
        latencySection(traces);
        memorySection(traces);
        hugePagesSection(traces);
        limitSection(traces);
        notRunSection();
        if (!problems.isEmpty()) {
            section("problems", "Problems reading the run");
            body.append("<ul>");
            for (String p : problems) {
                body.append("<li>").append(esc(p)).append("</li>");
            }
            body.append("</ul>");
        }

        RunInfo run = results.run();
        String id = run == null || run.id() == null ? runDir.getFileName().toString() : run.id();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>allocbench report: ").append(esc(id)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n");
        html.append("<h1>allocbench report: ").append(esc(id)).append("</h1>\n");
        html.append("<p class=\"lead\">").append(esc(summaryLine())).append("</p>\n");
        html.append("<nav><strong>Contents:</strong> ");
        for (int i = 0; i < toc.size(); i++) {
            html.append(i == 0 ? "" : " &middot; ").append("<a href=\"#").append(toc.get(i)[0]).append("\">")
                    .append(esc(toc.get(i)[1])).append("</a>");
        }
        html.append("</nav>\n");
        html.append(body);
        html.append("<footer>Written by <code>allocbench report</code> at ").append(esc(Instant.now().toString()))
                .append(" from ").append(esc(ResultsStore.RESULTS_FILE)).append(" (schema ")
                .append(esc(String.valueOf(results.schema()))).append("). Charts: ").append(CHARTS_DIR)
                .append("/*.png, embedded above.</footer>\n</main>\n</body>\n</html>\n");
        return html.toString();
    }

    private String summaryLine() {
        RunInfo run = results.run();
        long ok = results.cells().stream().filter(c -> Cell.OK.equals(c.status())).count();
        long failed = results.cells().stream().filter(c -> Cell.FAILED.equals(c.status())).count();
        long notRun = results.cells().size() - ok - failed;
        StringBuilder s = new StringBuilder();
        if (run != null) {
            s.append("Campaign ").append(run.campaign()).append(", ").append(run.status());
            if (run.started() != null) {
                s.append(", started ").append(run.started());
            }
            s.append(". ");
        }
        s.append(results.cells().size()).append(" cells: ").append(ok).append(" ok, ").append(failed)
                .append(" failed, ").append(notRun).append(" not run. Lower is better everywhere.");
        return s.toString();
    }

    // ---------------------------------------------------------------- run and environment

    private void runSection() {
        section("run", "Run");
        RunInfo r = results.run();
        Map<String, Object> rows = new LinkedHashMap<>();
        if (r != null) {
            rows.put("id", r.id());
            rows.put("campaign", r.campaign());
            rows.put("status", r.status());
            rows.put("started", r.started());
            rows.put("finished", r.finished());
            rows.put("command", r.command());
            rows.put("jar", r.jar());
            rows.put("jar SHA-256", r.jarSha256());
            rows.put("git commit", r.gitCommit());
            rows.put("version", r.version());
        }
        Settings s = results.settings();
        if (s != null) {
            rows.put("ops per trace", String.format(Locale.ROOT, "%,d", s.ops()));
            rows.put("seed", s.seed());
            rows.put("warm-up rounds", s.warmupRounds());
            rows.put("measured rounds", s.rounds());
            rows.put("forks", s.forks());
            rows.put("threads", s.threads());
            rows.put("method", s.method());
        }
        keyValueTable(rows);
    }

    /**
     * The answer first: the overall rankings of both views (geometric mean of the paired ratios, with the
     * interval and shared ranks), how the intervals were made, and what to read with care (within-JVM
     * intervals, drifting cells, floors not below).
     */
    private void summarySection(List<String> traces) {
        List<Cell> timed = results.cells().stream().filter(c -> timed(c) && Cell.OK.equals(c.status())).toList();
        if (timed.isEmpty()) {
            return;
        }
        section("summary", "Summary");
        int forks = timed.stream().mapToInt(c -> Bootstrap.byForkCount(c.samples(), c.sampleForks())).max().orElse(0);
        long within = timed.stream()
                .filter(c -> Bootstrap.byForkCount(c.samples(), c.sampleForks()) < Bootstrap.MIN_FORKS).count();
        long drifted = timed.stream().filter(Cell::drifted).count();
        body.append("<p>").append(traces.size()).append(traces.size() == 1 ? " trace" : " traces").append(", up to ")
                .append(forks).append(forks == 1 ? " fork" : " forks").append(" per cell (a fork: a fresh process;"
                        + " forks are the independent unit every interval resamples). Ratios are paired: per fork,"
                        + " the allocator's median over the reference's, both measured in the same slot of the"
                        + " rotation; the ratio is their median over forks, with a 95% bootstrap interval. Ranks"
                        + " followed by = share an interval: the data do not order them.</p>\n");
        if (within > 0) {
            body.append("<p class=\"warning\">").append(within).append(within == 1 ? " cell has" : " cells have")
                    .append(" fewer than 3 forks: its interval is over iterations within one JVM, which are not"
                            + " independent, so it is too narrow; it is marked <em>within-JVM</em> and no verdict is"
                            + " drawn from it.</p>\n");
        }
        if (drifted > 0) {
            body.append("<p class=\"warning\">").append(drifted).append(drifted == 1 ? " cell" : " cells")
                    .append(String.format(Locale.ROOT, " drifted: the last half of the measured iterations differs"
                            + " from the first by at least %.0f%%, beyond the cell's noise (see the drift column): the"
                            + " process was still warming up. More warm-up iterations (<code>--warmup</code>) help."
                            + "</p>%n", DriftCheck.MATERIAL * 100));
        }
        for (Ranking.View v : Ranking.View.values()) {
            List<Ranking.Standing> standings = Ranking.overall(results, v, Bootstrap.DEFAULT);
            if (standings.isEmpty()) {
                continue;
            }
            body.append("<h3>Overall, ").append(esc(v.title())).append("</h3>\n<p>Geometric mean over the traces of"
                    + " each allocator's paired ratio to ").append(esc(v.reference())).append(" (below 1: faster);"
                            + " the interval draws forks jointly for all traces.</p>\n");
            body.append("<table class=\"data\"><thead><tr><th>rank</th><th>allocator or lane</th>"
                    + "<th class=\"num\">geometric mean [95% interval]</th><th class=\"num\">traces</th>"
                    + "</tr></thead><tbody>");
            for (Ranking.Standing st : standings) {
                body.append("<tr").append(v.reference().equals(st.allocator()) ? " class=\"base\"" : "").append("><td>")
                        .append(st.rank()).append("</td><td>").append(esc(st.allocator()))
                        .append("</td><td class=\"num\">").append(esc(ratioText(st.geomean())))
                        .append("</td><td class=\"num\">").append(st.traces()).append("</td></tr>");
            }
            body.append("</tbody></table>\n");
        }
    }

    private void environmentSection() {
        if (results.environment().isEmpty()) {
            return;
        }
        section("environment", "Environment");
        body.append("<p>What decides the numbers, as recorded at the start of the run.</p>");
        keyValueTable(results.environment());
    }

    private void keyValueTable(Map<String, ?> rows) {
        body.append("<table class=\"kv\">");
        for (Map.Entry<String, ?> e : rows.entrySet()) {
            body.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(value(e.getValue()))
                    .append("</td></tr>");
        }
        body.append("</table>\n");
    }

    /** A free-form environment value: maps and lists nested, null as "unknown". */
    private static String value(Object v) {
        if (v == null) {
            return "<span class=\"muted\">unknown</span>";
        }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "<span class=\"muted\">none</span>";
            }
            StringBuilder s = new StringBuilder("<table class=\"nested\">");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append("<tr><th>").append(esc(String.valueOf(e.getKey()))).append("</th><td>")
                        .append(value(e.getValue())).append("</td></tr>");
            }
            return s.append("</table>").toString();
        }
        if (v instanceof List<?> l) {
            if (l.stream().allMatch(x -> !(x instanceof Map) && !(x instanceof List))) {
                return esc(String.join(", ", l.stream().map(String::valueOf).toList()));
            }
            StringBuilder s = new StringBuilder("<ul class=\"nested\">");
            for (Object x : l) {
                s.append("<li>").append(value(x)).append("</li>");
            }
            return s.append("</ul>").toString();
        }
        return esc(String.valueOf(v));
    }

    // ---------------------------------------------------------------- time per op

    /**
     * The rows of a time table, in the order they are shown: the whole-trace C lanes (ranked: the allocator
     * comparison), their floor, the per-op lanes (ranked), the allocators that skip frees (never ranked), the
     * per-op floors.
     */
    private enum Kind {
        WHOLE("whole-trace", "whole"), PG_REAL("PostgreSQL 15", "whole"), WHOLE_FLOOR("floor", "floor"),
        PER_OP("per-op", "per-op"), SKIPS_FREES("skips frees", "skips"), FLOOR("floor", "floor");

        final String label;
        final String tag;

        Kind(String label, String tag) {
            this.label = label;
            this.tag = tag;
        }

        boolean ranked() {
            return this == WHOLE || this == PER_OP;
        }
    }

    private static Kind kind(Cell c) {
        return switch (c.metric()) {
            case Cell.FLOOR -> Kind.FLOOR;
            case Cell.WHOLE_TRACE_FLOOR -> Kind.WHOLE_FLOOR;
            case Cell.WHOLE_TRACE -> c.allocator().equals(PG15_REAL) ? Kind.PG_REAL : Kind.WHOLE;
            default -> Allocators.skipsFrees(c.allocator()) ? Kind.SKIPS_FREES : Kind.PER_OP;
        };
    }

    /** A timed cell: per-op, whole-trace and floor metrics in ns/op. */
    private static boolean timed(Cell c) {
        return Cell.REPLAY.equals(c.metric()) || Cell.FLOOR.equals(c.metric()) || Cell.WHOLE_TRACE.equals(c.metric())
                || Cell.WHOLE_TRACE_FLOOR.equals(c.metric());
    }

    private void timeSection(List<String> traces) throws IOException {
        if (results.cells().stream().noneMatch(RunReport::timed)) {
            return;
        }
        section("time", "Time per op");
        body.append("<p>Each value is the median over forks of each fork's median ns/op over its measured iterations"
                + " (an iteration: the whole trace"
                + " replayed once, its wall time divided by the ops); the interval is the 95% confidence interval"
                + " of that median, as results.json records it, drawn as whiskers on the bars. Kinds, in the order"
                + " shown: <span class=\"tag whole\">whole-trace</span> lanes replay the whole trace in C, each"
                + " allocator in a process of its own with no FFM call per op: the allocator comparison, ranked by"
                + " the paired ratio to " + C_BASELINE + " (per fork, both in the same slot of the rotation; the"
                + " median over forks, with its 95% interval; ranks followed by = overlap);"
                + " <span class=\"tag per-op\">per-op</span> lanes"
                + " replay op by op through the allocator interface from Java (one FFM downcall per op for the native"
                + " allocators), ranked by the paired ratio to " + BASELINE + ", with the <em>binding</em> price: the"
                + " per-op"
                + " median minus the same allocator's whole-trace median; <span class=\"tag skips\">skips frees</span>:"
                + " allocators that cannot free single allocations do less work and are never ranked;"
                + " <span class=\"tag floor\">floor</span>: the replay loop with no allocator (and a no-op downcall"
                + " per op), which must be below every allocator of its kind. <em>faults/it</em> is the median of"
                + " the minor page faults per iteration. Absolute times on a shared host are noisy: read the"
                + " ratios.</p>\n");
        for (String trace : traces) {
            List<Cell> cells = results.cells().stream().filter(c -> trace.equals(c.trace()) && timed(c)).toList();
            if (cells.isEmpty()) {
                continue;
            }
            body.append("<h3 id=\"time-").append(anchor(trace)).append("\">").append(esc(trace)).append("</h3>\n");
            List<Cell> ok = ordered(cells.stream().filter(c -> Cell.OK.equals(c.status()) && !Double.isNaN(median(c)))
                    .toList());
            int threads = results.settings() == null ? 1 : results.settings().threads();
            body.append("<table class=\"data\"><thead><tr><th>rank</th><th>allocator or lane</th><th>kind</th>"
                    + "<th class=\"num\">median ns/op</th><th class=\"num\">95% interval</th>"
                    + "<th class=\"num\" title=\"half the interval's width, as a share of the median\">&plusmn; %</th>"
                    + "<th class=\"num\">ratio [95% interval]</th><th class=\"num\" title=\"per-op minus the same"
                    + " allocator's whole-trace lane\">binding</th><th class=\"num\">faults/it</th>"
                    + "<th class=\"num\">samples</th><th title=\"late/early: the last half of the measured"
                    + " iterations against the first, where that moved beyond the cell's noise\">drift</th>"
                    + "</tr></thead><tbody>");
            Map<Cell, Ranking.Row> rows = new java.util.IdentityHashMap<>();
            Map<Cell, Integer> position = new java.util.IdentityHashMap<>(); // in its view's ranking
            for (Ranking.View v : Ranking.View.values()) {
                for (Ranking.Row r : Ranking.trace(results, trace, v, Bootstrap.DEFAULT)) {
                    position.put(r.cell(), position.size());
                    rows.put(r.cell(), r);
                }
            }
            ok = rankedFirst(ok, position);
            Kind last = null;
            for (Cell c : ok) {
                Kind k = kind(c);
                Ranking.Row row = rows.get(c);
                String cls = (k == Kind.PER_OP || k == Kind.WHOLE ? "" : k.tag)
                        + (last != null && last != k ? " sep" : "") + (BASELINE.equals(c.allocator())
                        || C_BASELINE.equals(c.allocator()) ? " base" : "");
                last = k;
                double m = median(c);
                RatioEstimate ratio = row != null ? row.ratio() : k == Kind.PG_REAL || k == Kind.WHOLE_FLOOR
                        ? Ranking.toReference(results, c, Ranking.View.WHOLE_TRACE, Bootstrap.DEFAULT) : null;
                body.append("<tr class=\"").append(cls.trim()).append("\"><td>").append(row != null ? row.rank() : "")
                        .append("</td><td>").append(esc(c.allocator())).append("</td><td><span class=\"tag ")
                        .append(k.tag).append("\">").append(k.label).append("</span></td><td class=\"num\">")
                        .append(Charts.format(m)).append("</td><td class=\"num\">").append(interval(c))
                        .append("</td><td class=\"num\">").append(halfWidth(c)).append("</td><td class=\"num\">")
                        .append(esc(ratio == null ? "-" : ratioText(ratio)))
                        .append("</td><td class=\"num\">").append(k != Kind.PER_OP ? ""
                                : threads > 1 ? "-" : binding(c))
                        .append("</td><td class=\"num\">").append(c.medianMinorFaults() == null ? "-"
                                : String.format(Locale.ROOT, "%.0f", c.medianMinorFaults()))
                        .append("</td><td class=\"num\">").append(c.samples().size()).append("</td><td>")
                        .append(c.drifted() ? String.format(Locale.ROOT, "late/early %.2f (%s &rarr; %s)",
                                c.drift().ratio(), Charts.format(c.drift().early()), Charts.format(c.drift().late()))
                                : "").append("</td></tr>");
            }
            for (Cell c : cells) {
                if (!ok.contains(c)) {
                    body.append("<tr class=\"missing\"><td></td><td>").append(esc(c.allocator())).append("</td><td>")
                            .append(kind(c).label).append("</td><td class=\"reason\" colspan=\"8\">")
                            .append(esc(statusText(c))).append("</td></tr>");
                }
            }
            body.append("</tbody></table>\n");
            floorWarnings(ok);
            if (ok.isEmpty()) {
                continue;
            }
            List<Charts.Bar> bars = new ArrayList<>();
            for (Cell c : ok) {
                bars.add(new Charts.Bar(c.allocator(), group(c), median(c), num(c.ciLow()), num(c.ciHigh())));
            }
            BufferedImage img = Charts.bars(trace + ": time per op (median, whiskers: 95% interval)",
                    "allocator or lane", "time per op (ns/op)", bars, List.of(new Charts.Group(PER_OP_GROUP,
                            Charts.PER_OP), new Charts.Group(REFERENCE_GROUP, Charts.REFERENCE),
                            new Charts.Group(SEGMENT_GROUP, Charts.SEGMENT), new Charts.Group(WHOLE_GROUP,
                                    Charts.WHOLE_TRACE), new Charts.Group(FLOOR_GROUP, Charts.FLOOR)), 20, "");
            image(img, "time-" + trace, "Time per op in trace " + trace + ": median ns/op per allocator and lane"
                    + " with 95% interval whiskers");
        }
    }

    /** The per-op median minus the same allocator's whole-trace lane's, or "-" where it has none. */
    private String binding(Cell perOp) {
        return WholeTraceLane.ofPerOp(perOp.allocator())
                .map(l -> results.cell(l.laneName(), perOp.trace(), Cell.WHOLE_TRACE))
                .filter(c -> Cell.OK.equals(c.status()) && c.median() != null)
                .map(c -> String.format(Locale.ROOT, "%+.1f", median(perOp) - median(c))).orElse("-");
    }

    /**
     * A floor that is not below every allocator of its kind is said so, loudly, under the table (the binding
     * floor only against the lanes that call native code per op).
     */
    private void floorWarnings(List<Cell> ok) {
        for (Cell floor : ok) {
            Kind fk = kind(floor);
            if (fk != Kind.FLOOR && fk != Kind.WHOLE_FLOOR) {
                continue;
            }
            boolean binding = floor.allocator().equals(PerOpLanes.BINDING_FLOOR);
            for (Cell c : ok) {
                boolean of = fk == Kind.FLOOR ? kind(c) == Kind.PER_OP : kind(c) == Kind.WHOLE || kind(c) == Kind.PG_REAL;
                if (of && (!binding || PerOpLanes.callsNativePerOp(c.allocator())) && median(c) <= median(floor)) {
                    body.append("<p class=\"warning\">The floor ").append(esc(floor.allocator())).append(" (")
                            .append(Charts.format(median(floor))).append(" ns/op) is not below ")
                            .append(esc(c.allocator())).append(" (").append(Charts.format(median(c)))
                            .append(" ns/op): read that row with care.</p>\n");
                }
            }
        }
    }

    private static String group(Cell c) {
        return switch (kind(c)) {
            case FLOOR, WHOLE_FLOOR -> FLOOR_GROUP;
            case WHOLE, PG_REAL -> WHOLE_GROUP;
            case PER_OP, SKIPS_FREES -> BASELINE.equals(c.allocator()) ? REFERENCE_GROUP
                    : c.allocator().startsWith(SEGMENT_PREFIX) ? SEGMENT_GROUP : PER_OP_GROUP;
        };
    }

    /**
     * The same order, with the ranked cells of each kind in their ranking's order (by paired ratio, which can
     * differ from the order of medians).
     */
    private static List<Cell> rankedFirst(List<Cell> ordered, Map<Cell, Integer> position) {
        List<Cell> sorted = new ArrayList<>(ordered);
        sorted.sort(Comparator.comparing((Cell c) -> kind(c).ordinal())
                .thenComparingInt(c -> position.getOrDefault(c, Integer.MAX_VALUE)));
        return sorted;
    }

    /** "0.78 [0.70, 0.85]", "within-JVM" after an interval over rounds of one process, "1.00" for the reference. */
    static String ratioText(RatioEstimate e) {
        if (Double.isNaN(e.ratio())) {
            return "-";
        }
        if (!e.hasInterval()) {
            return String.format(Locale.ROOT, "%.2f", e.ratio());
        }
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]%s", e.ratio(), e.low(), e.high(),
                e.overForks() ? "" : " within-JVM");
    }

    /** By kind (whole-trace lanes, their floor, per-op, skips frees, per-op floors), then by median. */
    private static List<Cell> ordered(List<Cell> cells) {
        List<Cell> sorted = new ArrayList<>(cells);
        sorted.sort(Comparator.comparing((Cell c) -> kind(c).ordinal()).thenComparingDouble(RunReport::median));
        return sorted;
    }

    /** The recorded median, or the samples' (median of fork medians, as every cell's) if none was recorded. */
    static double median(Cell c) {
        return c.median() != null ? c.median() : Bootstrap.point(c.samples(), c.sampleForks());
    }

    private static double num(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static String interval(Cell c) {
        if (c.ciLow() == null || c.ciHigh() == null) {
            return "-";
        }
        return Charts.format(c.ciLow()) + " &ndash; " + Charts.format(c.ciHigh())
                + (c.interval() != null && !c.intervalOverForks() ? " <em>within-JVM</em>" : "");
    }

    private static String halfWidth(Cell c) {
        double m = median(c);
        if (c.ciLow() == null || c.ciHigh() == null || !(m > 0)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f%%", 100 * (c.ciHigh() - c.ciLow()) / 2 / m);
    }

    private static String statusText(Cell c) {
        String status = c.status() == null ? "unknown status" : c.status();
        return status + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason());
    }

    // ---------------------------------------------------------------- latency

    private void latencySection(List<String> traces) throws IOException {
        Map<String, List<Map.Entry<String, Histogram>>> byTrace = new LinkedHashMap<>();
        for (String trace : traces) {
            for (Cell c : results.cells()) {
                if (!trace.equals(c.trace())) {
                    continue;
                }
                for (String f : c.files()) {
                    if (!f.endsWith(".hlog")) {
                        continue;
                    }
                    Histogram h = readHlog(f);
                    if (h != null && h.getTotalCount() > 0) {
                        byTrace.computeIfAbsent(trace, t -> new ArrayList<>()).add(Map.entry(c.allocator(), h));
                    }
                }
            }
        }
        if (byTrace.isEmpty()) {
            return;
        }
        section("latency", "Latency percentiles");
        body.append("<p>Per-op latency distributions recorded with HdrHistogram (the cells' .hlog files): each"
                + " op timed alone, so each value includes about one timer read; values near the timer's cost mean"
                + " \"faster than the timer resolves\". The x axis is laid out as HdrHistogram plots it: 1/(1 - p)"
                + " on a log scale, so 90%, 99%, 99.9%, ... are equally far apart and the tail is visible.</p>\n");
        for (Map.Entry<String, List<Map.Entry<String, Histogram>>> e : byTrace.entrySet()) {
            String trace = e.getKey();
            body.append("<h3 id=\"latency-").append(anchor(trace)).append("\">").append(esc(trace)).append("</h3>\n");
            List<Charts.Curve> curves = new ArrayList<>();
            body.append("<table class=\"data\"><thead><tr><th>allocator</th><th class=\"num\">p50 ns</th>"
                    + "<th class=\"num\">p90 ns</th><th class=\"num\">p99 ns</th><th class=\"num\">p99.9 ns</th>"
                    + "<th class=\"num\">max ns</th><th class=\"num\">ops recorded</th></tr></thead><tbody>");
            List<Map.Entry<String, Histogram>> list = new ArrayList<>(e.getValue());
            list.sort(Comparator.comparingLong(x -> x.getValue().getValueAtPercentile(50)));
            for (Map.Entry<String, Histogram> a : list) {
                Histogram h = a.getValue();
                body.append("<tr><td>").append(esc(a.getKey())).append("</td>");
                for (double p : new double[] {50, 90, 99, 99.9}) {
                    body.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%,d",
                            h.getValueAtPercentile(p))).append("</td>");
                }
                body.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%,d", h.getMaxValue()))
                        .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d",
                                h.getTotalCount())).append("</td></tr>");
                List<Double> ps = new ArrayList<>();
                List<Double> vs = new ArrayList<>();
                for (HistogramIterationValue v : h.percentiles(5)) {
                    ps.add(v.getPercentileLevelIteratedTo());
                    vs.add((double) v.getValueIteratedTo());
                }
                curves.add(new Charts.Curve(a.getKey(), ps.stream().mapToDouble(Double::doubleValue).toArray(),
                        vs.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            body.append("</tbody></table>\n");
            image(Charts.percentiles(trace + ": per-op latency by percentile", "latency per op (ns)", curves),
                    "latency-" + trace, "Per-op latency percentile curves in trace " + trace);
        }
    }

    private Histogram readHlog(String relative) {
        Path file = runDir.resolve(relative).normalize();
        if (!file.startsWith(runDir.normalize())) {
            problems.add(relative + ": outside the run directory, not read");
            return null;
        }
        if (!Files.isReadable(file)) {
            problems.add(relative + ": listed in results.json but missing");
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
            problems.add(relative + ": not a readable HdrHistogram log (" + e.getMessage() + ")");
            return null;
        }
    }

    // ---------------------------------------------------------------- memory

    private static boolean hasMemory(Cell c) {
        return Cell.OK.equals(c.status()) && !Cell.FLOOR.equals(c.metric()) && c.stats().get("totalBytes") != null
                && c.stats().get("totalBytes") > 0;
    }

    private void memorySection(List<String> traces) throws IOException {
        if (results.cells().stream().noneMatch(RunReport::hasMemory)) {
            return;
        }
        section("memory", "Memory held");
        body.append("<p>What each allocator held at the end of the trace, from its own statistics (PostgreSQL's"
                + " MemoryContextCounters terms): <strong>total</strong> is the memory held from the OS or the"
                + " underlying allocator, <strong>free</strong> what of it sits on freelists or in unused block"
                + " space, and <strong>used</strong> = total - free (live chunks, with their headers and size-class"
                + " rounding). The overhead <em>total/used</em> is the bytes held per byte in use: 1.00 means"
                + " nothing held beyond what is in use. An allocator that only knows its total is drawn in grey;"
                + " one that knows nothing is left out. Harness floors are left out.</p>\n");
        for (String trace : traces) {
            List<Cell> cells = new ArrayList<>(results.cells().stream()
                    .filter(c -> trace.equals(c.trace()) && hasMemory(c)).toList());
            if (cells.isEmpty()) {
                continue;
            }
            cells.sort(Comparator.comparingLong(c -> c.stats().get("totalBytes")));
            body.append("<h3 id=\"memory-").append(anchor(trace)).append("\">").append(esc(trace)).append("</h3>\n");
            long maxTotal = cells.stream().mapToLong(c -> c.stats().get("totalBytes")).max().orElse(1);
            String[] unit = unit(maxTotal);
            double div = Double.parseDouble(unit[1]);
            body.append("<table class=\"data\"><thead><tr><th>allocator</th><th>kind</th>"
                    + "<th class=\"num\">total " + unit[0] + "</th><th class=\"num\">used " + unit[0] + "</th>"
                    + "<th class=\"num\">free " + unit[0] + "</th><th class=\"num\">blocks</th>"
                    + "<th class=\"num\">free chunks</th><th class=\"num\">total/used</th></tr></thead><tbody>");
            List<String> labels = new ArrayList<>();
            List<Double> used = new ArrayList<>();
            List<Double> free = new ArrayList<>();
            List<Double> totalOnly = new ArrayList<>();
            for (Cell c : cells) {
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
                body.append("<tr><td>").append(esc(c.allocator())).append("</td><td>").append(kind(c).label)
                        .append("</td><td class=\"num\">").append(Charts.format(total / div))
                        .append("</td><td class=\"num\">").append(u == null ? "-" : Charts.format(u / div))
                        .append("</td><td class=\"num\">").append(f == null ? "-" : Charts.format(f / div))
                        .append("</td><td class=\"num\">").append(count(s.get("blocks")))
                        .append("</td><td class=\"num\">").append(count(s.get("freeChunks")))
                        .append("</td><td class=\"num\">").append(u == null || u <= 0 ? "-"
                                : String.format(Locale.ROOT, "%.2f", total / (double) u)).append("</td></tr>");
                labels.add(c.allocator() + (kind(c) == Kind.WHOLE ? " (lane)" : ""));
                used.add(u == null ? 0.0 : u / div);
                free.add(u == null ? 0.0 : f / div);
                totalOnly.add(u == null ? total / div : 0.0);
            }
            body.append("</tbody></table>\n");
            Map<String, List<Double>> series = new LinkedHashMap<>();
            series.put("used (live chunks)", used);
            series.put("free (held, not in use)", free);
            series.put("total only (used/free not known)", totalOnly);
            image(Charts.stacked(trace + ": memory held at the end of the trace", "allocator",
                    "memory held (" + unit[0] + ")", labels, series,
                    List.of(Charts.USED, Charts.FREE, Charts.TOTAL_ONLY), ""),
                    "memory-" + trace, "Memory held at the end of trace " + trace + ", used and free, in " + unit[0]);
        }
    }

    private static String count(Long v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%,d", v);
    }

    /** The unit for a byte count: name and divisor. */
    private static String[] unit(long maxBytes) {
        if (maxBytes >= 10L << 30) {
            return new String[] {"GiB", Double.toString(1L << 30)};
        }
        if (maxBytes >= 10L << 20) {
            return new String[] {"MiB", Double.toString(1L << 20)};
        }
        if (maxBytes >= 10L << 10) {
            return new String[] {"KiB", Double.toString(1L << 10)};
        }
        return new String[] {"bytes", "1"};
    }

    // ---------------------------------------------------------------- huge pages

    private void hugePagesSection(List<String> traces) throws IOException {
        List<HugePagesJmh.Score> jmh = HugePagesJmh.read(runDir, problems);
        boolean cells = results.cells().stream().anyMatch(c -> c.allocator().startsWith(SEGMENT_PREFIX));
        if (jmh.isEmpty() && !cells) {
            return;
        }
        section("hugepages", "Huge pages");
        if (cells) {
            body.append("<p>The native AllocSet with its blocks on a shared memory segment mapped with each page"
                    + " mode (4k: normal pages; thp: transparent huge pages; 2m, 1g: explicit huge pages), next to"
                    + " " + BASELINE + " with malloc'd blocks; median ns/op with 95% interval. <em>vs 4k</em> is the"
                    + " ratio to the 4k-page segment in the same trace.</p>\n");
            for (String trace : traces) {
                List<Cell> seg = results.cells().stream().filter(c -> trace.equals(c.trace())
                        && Cell.REPLAY.equals(c.metric()) && (c.allocator().startsWith(SEGMENT_PREFIX)
                        || c.allocator().equals(BASELINE))).toList();
                if (seg.stream().noneMatch(c -> c.allocator().startsWith(SEGMENT_PREFIX))) {
                    continue;
                }
                body.append("<h3 id=\"hugepages-").append(anchor(trace)).append("\">").append(esc(trace))
                        .append("</h3>\n");
                Cell four = results.cell(SEGMENT_PREFIX + "4k", trace, Cell.REPLAY);
                double base = four == null || !Cell.OK.equals(four.status()) ? Double.NaN : median(four);
                body.append("<table class=\"data\"><thead><tr><th>blocks from</th><th class=\"num\">median ns/op</th>"
                        + "<th class=\"num\">95% interval</th><th class=\"num\">vs 4k</th></tr></thead><tbody>");
                List<Charts.Bar> bars = new ArrayList<>();
                for (Cell c : seg) {
                    String label = c.allocator().startsWith(SEGMENT_PREFIX)
                            ? "segment, " + c.allocator().substring(SEGMENT_PREFIX.length()) + " pages"
                            : "malloc'd (" + BASELINE + ")";
                    if (!Cell.OK.equals(c.status())) {
                        body.append("<tr class=\"missing\"><td>").append(esc(label)).append("</td><td class=\"reason\" colspan=\"3\">")
                                .append(esc(statusText(c))).append("</td></tr>");
                        continue;
                    }
                    double m = median(c);
                    body.append("<tr><td>").append(esc(label)).append("</td><td class=\"num\">")
                            .append(Charts.format(m)).append("</td><td class=\"num\">").append(interval(c))
                            .append("</td><td class=\"num\">").append(Double.isNaN(base) ? "-"
                                    : String.format(Locale.ROOT, "%.2f", m / base)).append("</td></tr>");
                    bars.add(new Charts.Bar(label, c.allocator().startsWith(SEGMENT_PREFIX) ? SEGMENT_GROUP
                            : REFERENCE_GROUP, m, num(c.ciLow()), num(c.ciHigh())));
                }
                body.append("</tbody></table>\n");
                if (!bars.isEmpty()) {
                    image(Charts.bars(trace + ": AllocSet replay by page mode (median, whiskers: 95% interval)",
                            "where the AllocSet's blocks live", "time per op (ns/op)", bars,
                            List.of(new Charts.Group(SEGMENT_GROUP, Charts.SEGMENT),
                                    new Charts.Group(REFERENCE_GROUP, Charts.REFERENCE)), 20, ""),
                            "hugepages-cells-" + trace, "AllocSet replay time per op by page mode, trace " + trace);
                }
            }
        }
        if (!jmh.isEmpty()) {
            body.append("<p>HugePagesBenchmark (JMH, files in <code>").append(HugePagesJmh.DIRECTORY)
                    .append("/</code>): a segment mapped with each page mode, first touched, read at random, and"
                            + " used for an AllocSet replay. Whiskers and intervals are JMH's 99.9% confidence"
                            + " intervals; <em>vs 4k</em> is the ratio to 4 KiB pages of the same segment kind;"
                            + " faults/GiB are the minor page faults of the first touch per GiB.</p>\n");
            Set<String> benchmarks = new LinkedHashSet<>();
            jmh.forEach(s -> benchmarks.add(s.benchmark()));
            boolean manyKinds = jmh.stream().map(HugePagesJmh.Score::kind).distinct().count() > 1;
            for (String b : benchmarks) {
                List<HugePagesJmh.Score> rows = jmh.stream().filter(s -> s.benchmark().equals(b)).toList();
                HugePagesJmh.Score first = rows.get(0);
                String what = HugePagesJmh.describe(b, first.size(), first.trace());
                body.append("<h3 id=\"hugepages-").append(anchor(b)).append("\">").append(esc(what)).append("</h3>\n");
                body.append("<table class=\"data\"><thead><tr><th>kind</th><th>mapping</th><th class=\"num\">score</th>"
                        + "<th class=\"num\">99.9% interval</th><th>unit</th><th class=\"num\">vs 4k</th>"
                        + (b.equals("firstTouch") ? "<th class=\"num\">faults/GiB</th>" : "")
                        + "</tr></thead><tbody>");
                List<Charts.Bar> bars = new ArrayList<>();
                for (HugePagesJmh.Score s : rows) {
                    HugePagesJmh.Score four = rows.stream().filter(x -> x.kind().equals(s.kind())
                            && x.mapping().equals("4k")).findFirst().orElse(null);
                    body.append("<tr><td>").append(esc(s.kind())).append("</td><td>").append(esc(s.mapping()))
                            .append("</td><td class=\"num\">").append(Charts.format(s.score()))
                            .append("</td><td class=\"num\">").append(Double.isNaN(s.low()) ? "-"
                                    : Charts.format(s.low()) + " &ndash; " + Charts.format(s.high()))
                            .append("</td><td>").append(esc(s.unit())).append("</td><td class=\"num\">")
                            .append(four == null ? "-" : String.format(Locale.ROOT, "%.2f", s.score() / four.score()))
                            .append("</td>").append(b.equals("firstTouch") ? "<td class=\"num\">"
                                    + (Double.isNaN(s.faultsPerGiB()) ? "-" : String.format(Locale.ROOT, "%,.0f",
                                            s.faultsPerGiB())) + "</td>" : "").append("</tr>");
                    bars.add(new Charts.Bar((manyKinds ? s.kind() + " " : "") + s.mapping(), "HugePagesBenchmark."
                            + b + " (whiskers: 99.9% interval)", s.score(), s.low(), s.high()));
                }
                body.append("</tbody></table>\n");
                image(Charts.bars(what, "page mapping (4k: normal pages; thp: transparent; 2m, 1g: explicit huge)",
                        HugePagesJmh.axis(b, first.unit()), bars, List.of(new Charts.Group("HugePagesBenchmark." + b
                                + " (whiskers: 99.9% interval)", Charts.SEGMENT)), 20, ""),
                        "hugepages-" + b, what + ": score per page mapping");
            }
        }
    }

    // ---------------------------------------------------------------- not run

    /** Memory-limit runs (allocbench limit): the smallest limit survived, or each trial's outcome and peak. */
    private void limitSection(List<String> traces) {
        List<Cell> cells = results.cells().stream()
                .filter(c -> c.metric().equals("smallest-limit") || c.metric().equals("limit-run")).toList();
        if (cells.isEmpty()) {
            return;
        }
        section("limits", "Memory limits");
        body.append("<p>Each trial replayed the trace in a C child in a fresh memory cgroup (see the audit journal"
                + " next to results.json). <em>Smallest limit</em>: the lowest limit the allocator survived,"
                + " bisected to 2%; lower is better: the same work in less memory. A killed trial was stopped by"
                + " the kernel (signal 9, OOM kill confirmed from the cgroup's counters).</p>\n");
        for (String trace : traces) {
            List<Cell> rows = cells.stream().filter(c -> c.trace().equals(trace))
                    .sorted(java.util.Comparator.comparingDouble(c -> c.median() == null ? Double.MAX_VALUE : c.median()))
                    .toList();
            if (rows.isEmpty()) {
                continue;
            }
            body.append("<h3>").append(esc(trace)).append("</h3>\n<table class=\"data\"><thead><tr><th>allocator</th>"
                    + "<th>kind</th><th class=\"num\">MiB</th><th>outcome</th></tr></thead><tbody>");
            for (Cell c : rows) {
                boolean smallest = c.metric().equals("smallest-limit");
                String mib = c.median() == null ? "" : String.format(java.util.Locale.ROOT, "%.1f", c.median() / (1 << 20));
                String outcome = Cell.OK.equals(c.status())
                        ? (smallest ? "survived; " + c.stats().getOrDefault("probes", 0L) + " probes, "
                                + c.stats().getOrDefault("killedProbes", 0L) + " killed" : "completed (peak)")
                        : c.status() + ": " + (c.reason() == null ? "" : c.reason());
                body.append("<tr><td>").append(esc(c.allocator())).append("</td><td>")
                        .append(smallest ? "smallest limit" : "peak under the limit").append("</td><td class=\"num\">")
                        .append(mib).append("</td><td class=\"reason\">").append(esc(outcome)).append("</td></tr>");
            }
            body.append("</tbody></table>\n");
        }
    }

    private void notRunSection() {
        List<Cell> missing = results.cells().stream().filter(c -> !Cell.OK.equals(c.status())).toList();
        if (missing.isEmpty()) {
            return;
        }
        section("not-run", "Not run or failed");
        body.append("<table class=\"data\"><thead><tr><th>allocator</th><th>trace</th><th>metric</th><th>status</th>"
                + "<th>reason</th></tr></thead><tbody>");
        for (Cell c : missing) {
            body.append("<tr><td>").append(esc(c.allocator())).append("</td><td>").append(esc(c.trace()))
                    .append("</td><td>").append(esc(c.metric())).append("</td><td class=\"")
                    .append(Cell.FAILED.equals(c.status()) ? "bad" : "muted").append("\">")
                    .append(esc(String.valueOf(c.status()))).append("</td><td class=\"reason\">")
                    .append(esc(c.reason() == null ? "(no reason recorded)" : c.reason())).append("</td></tr>");
        }
        body.append("</tbody></table>\n");
    }

    // ---------------------------------------------------------------- helpers

    private void section(String id, String title) {
        toc.add(new String[] {id, title});
        body.append("<h2 id=\"").append(id).append("\">").append(esc(title)).append("</h2>\n");
    }

    /** Saves the chart as charts/NAME.png and embeds it as a data: URI. */
    private void image(BufferedImage img, String name, String alt) throws IOException {
        if (img == null) {
            return;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", png)) {
            throw new IOException("no PNG writer in this JVM");
        }
        String file = String.format(Locale.ROOT, "%02d-%s.png", ++chartCount, anchor(name));
        Files.write(chartsDir.resolve(file), png.toByteArray());
        body.append("<figure><img src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\" alt=\"").append(esc(alt))
                .append("\" width=\"").append(img.getWidth()).append("\" height=\"").append(img.getHeight())
                .append("\"><figcaption>").append(esc(alt)).append(" (").append(CHARTS_DIR).append('/')
                .append(esc(file)).append(")</figcaption></figure>\n");
    }

    static String anchor(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * HTML-escaped text. "//" after a URL scheme becomes "&#47;&#47;": a URL
     * recorded in the environment (a git remote, say) reads the same but is
     * never a link, so the file holds no http(s):// reference at all.
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return escapeChars(s).replace("://", ":&#47;&#47;");
    }

    private static String escapeChars(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { margin: 0; background: #f4f5f7; color: #1d1f23;
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
            main { max-width: 1160px; margin: 0 auto; padding: 20px 28px 40px; background: #fff; }
            h1 { font-size: 26px; margin: 8px 0 4px; }
            h2 { font-size: 21px; margin: 34px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #d7dae0; }
            h3 { font-size: 17px; margin: 24px 0 6px; }
            p.lead { color: #444; margin-top: 0; }
            nav { background: #eef1f6; padding: 8px 12px; border-radius: 4px; }
            nav a { color: #1f4f99; text-decoration: none; }
            code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
            table { border-collapse: collapse; margin: 8px 0 12px; }
            table.kv th { text-align: left; vertical-align: top; padding: 3px 16px 3px 0; color: #444;
                          font-weight: 600; white-space: nowrap; }
            table.kv td { padding: 3px 0; word-break: break-all; }
            table.nested th { font-weight: 500; padding: 1px 12px 1px 0; }
            table.nested td { padding: 1px 0; }
            ul.nested { margin: 0; padding-left: 18px; }
            table.data { min-width: 60%; }
            table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid #e3e5e9; text-align: left; }
            table.data thead th { background: #eef1f6; border-bottom: 2px solid #c9ced6; font-weight: 600; }
            .num { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.base td { font-weight: 600; }
            tr.sep td { border-top: 2px solid #c9ced6; }
            tr.missing td { color: #777; font-style: italic; }
            .muted { color: #777; }
            .bad { color: #b00020; font-weight: 600; }
            table.data td { white-space: nowrap; }
            table.data td.reason { white-space: normal; }
            .tag { white-space: nowrap; display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12.5px; color: #fff; }
            .tag.per-op { background: #4c72b0; }
            .tag.whole { background: #dd8452; }
            .tag.floor { background: #8a8a8a; }
            .tag.skips { background: #b0a24c; }
            p.warning { color: #a00; font-weight: bold; }
            figure { margin: 8px 0 20px; }
            figure img { max-width: 100%; height: auto; border: 1px solid #e3e5e9; }
            figcaption { font-size: 13px; color: #555; }
            footer { margin-top: 36px; font-size: 13px; color: #666; border-top: 1px solid #e3e5e9; padding-top: 8px; }
            """;
}
