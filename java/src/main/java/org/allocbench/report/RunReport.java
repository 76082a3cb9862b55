package org.allocbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;

/**
 * report.html of a run directory. {@link #write} reads results.json, renders
 * the charts into {@code charts/*.png} and writes {@code report.html} with
 * every chart embedded as a {@code data:} URI: the file alone is the report
 * (no network, stylesheet, script or font from elsewhere at view time).
 *
 * <p>This class only assembles the page: the head, a one-line summary, the
 * contents and the footer around the sections, each a class of its own and
 * each present only when the run has its data, in this order: run
 * ({@code RunSection}), summary, environment, time per op, latency
 * percentiles, memory held, huge pages, memory limits, cells not run or
 * failed, and problems reading the run.
 */
public final class RunReport {

    public static final String REPORT_FILE = "report.html";
    public static final String CHARTS_DIR = "charts";
    /** The allocator every ratio is to. */
    public static final String BASELINE = LaneKind.REFERENCE;

    private static final List<ReportSection> SECTIONS = List.of(new RunSection(), new SummarySection(),
            new EnvironmentSection(), new TimeSection(), new ScalingSection(), new ProcessModelSection(),
            new LatencySection(), new MemorySection(), new HugePagesSection(), new LimitSection(), new FitSection(),
            new NotRunSection(), new ProblemsSection());
    /**
     * A run merged from several hosts: its own sections compare hosts (the hosts' own reports, kept beside it,
     * have the rest); a section of one host's kind would mix the hosts' cells.
     */
    private static final List<ReportSection> FLEET_SECTIONS = List.of(new RunSection(), new FleetSection(),
            new NotRunSection(), new ProblemsSection());
    /** settings.method of a process-model run (allocbench hugepages --processes), which compares no allocators. */
    private static final String PROCESS_MODEL = "process-model";

    private RunReport() {
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
        Path chartsDir = runDir.resolve(CHARTS_DIR);
        prepareChartsDir(chartsDir);
        ReportPage page = new ReportPage(runDir, results, comparable(results), chartsDir);
        for (ReportSection section : results.hosts().isEmpty() ? SECTIONS : FLEET_SECTIONS) {
            section.writeTo(page);
        }
        Path target = runDir.resolve(REPORT_FILE);
        Path temp = runDir.resolve(REPORT_FILE + ".tmp");
        Files.writeString(temp, html(page), StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * The cells the comparing sections (summary, time, memory, ...) show: all of them in most runs; in a run of
     * several thread counts those of the fewest threads (the scaling section has the rest); none in a
     * process-model run, whose cells are segments, not allocators (its own section shows them).
     */
    static RunResults comparable(RunResults results) {
        if (results.settings() != null && PROCESS_MODEL.equals(results.settings().method())) {
            return new RunResults(results.schema(), results.run(), results.environment(), results.settings(),
                    List.of());
        }
        return results.comparable();
    }

    /** Charts of an earlier report of this run go: the new report draws all it needs. */
    private static void prepareChartsDir(Path chartsDir) throws IOException {
        Files.createDirectories(chartsDir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(chartsDir, "*.png")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
    }

    /** The whole page around the sections' body: head with the stylesheet, title, summary line, contents, footer. */
    private static String html(ReportPage page) {
        RunResults results = page.allResults(); // the lead line counts every cell, whatever the sections compare
        RunInfo run = results.run();
        String id = run == null || run.id() == null ? page.runDir().getFileName().toString() : run.id();
        StringBuilder html = new StringBuilder(page.body().length() + 8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>allocbench report: ").append(Html.esc(id)).append("</title>\n<style>\n")
                .append(Html.CSS).append("</style>\n</head>\n<body>\n<main>\n");
        html.append("<h1>allocbench report: ").append(Html.esc(id)).append("</h1>\n");
        html.append("<p class=\"lead\">").append(Html.esc(summaryLine(results))).append("</p>\n");
        html.append("<nav><strong>Contents:</strong> ");
        List<ReportPage.Entry> contents = page.contents();
        for (int i = 0; i < contents.size(); i++) {
            html.append(i == 0 ? "" : " &middot; ").append("<a href=\"#").append(contents.get(i).id()).append("\">")
                    .append(Html.esc(contents.get(i).title())).append("</a>");
        }
        html.append("</nav>\n");
        html.append(page.body());
        html.append("<footer>Written by <code>allocbench report</code> at ").append(Html.esc(Instant.now().toString()))
                .append(" from ").append(Html.esc(ResultsStore.RESULTS_FILE)).append(" (schema ")
                .append(Html.esc(String.valueOf(results.schema()))).append("). Charts: ").append(CHARTS_DIR)
                .append("/*.png, embedded above.</footer>\n</main>\n</body>\n</html>\n");
        return html.toString();
    }

    /** The lead line: the campaign, its status and start, and how many cells ran, failed or did not run. */
    private static String summaryLine(RunResults results) {
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
}
