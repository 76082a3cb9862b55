package org.allocbench.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.allocbench.results.RunResults;

/**
 * The report being written: the run it is about, and what the sections have
 * written so far (the body, the table of contents, the charts, the problems
 * met reading the run's files). Each section appends to it in turn; {@link
 * RunReport} wraps the body in the page.
 */
final class ReportPage {

    /** A table-of-contents entry: the section's element id and title. */
    record Entry(String id, String title) {
    }

    private final Path runDir;
    private final RunResults results;
    private final RunResults all;
    private final List<String> traces;
    private final Path chartsDir;
    private final StringBuilder body = new StringBuilder(1 << 16);
    private final List<Entry> contents = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int chartCount;

    ReportPage(Path runDir, RunResults results, Path chartsDir) {
        this(runDir, results, results, chartsDir);
    }

    /**
     * A page about {@code view}, the cells most sections compare (in a scaling run those of one thread and one
     * process), whose scaling sections see {@code all}.
     */
    ReportPage(Path runDir, RunResults all, RunResults view, Path chartsDir) {
        this.runDir = runDir;
        this.results = view;
        this.all = all;
        this.traces = view.traces();
        this.chartsDir = chartsDir;
    }

    Path runDir() {
        return runDir;
    }

    /** The cells the comparing sections show: in a scaling run, those of the fewest threads and one process. */
    RunResults results() {
        return results;
    }

    /** Every cell of the run, every thread and process count. */
    RunResults allResults() {
        return all;
    }

    /** The run's traces, in the order every section lists them. */
    List<String> traces() {
        return traces;
    }

    /** The body written so far; sections append HTML to it. */
    StringBuilder body() {
        return body;
    }

    List<Entry> contents() {
        return contents;
    }

    List<String> problems() {
        return problems;
    }

    /** Something in the run directory that could not be read: listed at the end instead of failing the report. */
    void problem(String what) {
        problems.add(what);
    }

    /** Starts a section: its {@code <h2>} and its entry in the contents. */
    void section(String id, String title) {
        contents.add(new Entry(id, title));
        body.append("<h2 id=\"").append(id).append("\">").append(Html.esc(title)).append("</h2>\n");
    }

    /** A heading within a section (a trace, a benchmark); {@code id} null: none, else made a valid anchor. */
    void subheading(String id, String text) {
        body.append(id == null ? "<h3>" : "<h3 id=\"" + Html.anchor(id) + "\">").append(Html.esc(text))
                .append("</h3>\n");
    }

    /** A data table written into the body. */
    DataTable table(List<DataTable.Column> columns) {
        return new DataTable(body, columns);
    }

    /**
     * Saves the chart as charts/NN-NAME.png and embeds the same bytes as a
     * data: URI, so the report needs no other file; nothing for a null chart
     * (one with nothing to draw).
     */
    void figure(BufferedImage img, String name, String alt) throws IOException {
        figure(img, String.format(Locale.ROOT, "%02d-%s.png", chartCount + 1, Html.anchor(name)), alt, true);
    }

    /**
     * As {@link #figure(BufferedImage, String, String)}, saved as charts/NAME.png exactly: a name other documents
     * (the README) can link to.
     */
    void namedFigure(BufferedImage img, String name, String alt) throws IOException {
        figure(img, Html.anchor(name) + ".png", alt, false);
    }

    private void figure(BufferedImage img, String file, String alt, boolean numbered) throws IOException {
        if (img == null) {
            return;
        }
        if (numbered) {
            chartCount++;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", png)) {
            throw new IOException("no PNG writer in this JVM");
        }
        Files.write(chartsDir.resolve(file), png.toByteArray());
        body.append("<figure><img src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\" alt=\"")
                .append(Html.esc(alt)).append("\" width=\"").append(img.getWidth()).append("\" height=\"")
                .append(img.getHeight()).append("\"><figcaption>").append(Html.esc(alt)).append(" (")
                .append(RunReport.CHARTS_DIR).append('/').append(Html.esc(file)).append(")</figcaption></figure>\n");
    }
}
