package org.allocbench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html and its charts, on synthetic run directories. */
class RunReportTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final Pattern IMG = Pattern.compile("<img\\b[^>]*>");
    private static final Pattern SRC = Pattern.compile("src=\"([^\"]*)\"");

    private static String read(Path report) throws Exception {
        return Files.readString(report, StandardCharsets.UTF_8);
    }

    private static List<Path> charts(Path runDir) throws Exception {
        try (Stream<Path> s = Files.list(runDir.resolve(RunReport.CHARTS_DIR))) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    /** The decoded data: URIs of every <img>; fails on any other kind of src. */
    private static List<byte[]> embeddedImages(String html) {
        List<byte[]> images = new ArrayList<>();
        Matcher img = IMG.matcher(html);
        while (img.find()) {
            Matcher src = SRC.matcher(img.group());
            assertTrue(src.find(), "an <img> without src: " + img.group().substring(0, 60));
            String uri = src.group(1);
            assertTrue(uri.startsWith("data:image/png;base64,"), "not a data: URI: " + uri.substring(0, 40));
            images.add(Base64.getDecoder().decode(uri.substring("data:image/png;base64,".length())));
        }
        return images;
    }

    @Test
    void fullRunHasEverySectionAndSelfContainedCharts(@TempDir Path base) throws Exception {
        Path run = SyntheticRuns.full(base);
        Path report = RunReport.write(run);
        assertEquals(run.resolve("report.html"), report);
        String html = read(report);

        for (String id : List.of("run", "environment", "time", "latency", "memory", "hugepages", "not-run")) {
            assertTrue(html.contains("<h2 id=\"" + id + "\">"), "section " + id);
        }
        assertTrue(html.contains("<h3 id=\"time-small-churn\">") && html.contains("<h3 id=\"time-per-tuple-reset\">"));
        for (String allocator : List.of("aset-native", "glibc", "netty-pooled", "aset-c", "pg15-real", "floor", "floor-c", "jdk-arena",
                "aset-native-segment@2m")) {
            assertTrue(html.contains("<td>" + allocator + "</td>"), "row of " + allocator);
        }
        // ratio to aset-native: glibc 42 / 24
        assertTrue(html.contains(">1.75</td>"), "glibc's ratio to aset-native");
        assertTrue(html.contains(">2.66</td>"), "glibc-c's ratio to aset-c");
        assertTrue(html.contains(">+11.9</td>"), "glibc's binding price: 42.0 per-op minus 30.1 in C");
        assertTrue(html.contains("<td>jdk-arena</td><td><span class=\"tag skips\">skips frees</span>"),
                "an allocator that skips frees is listed apart");
        assertTrue(html.contains("The floor floor-c (12.0 ns/op) is not below aset-c (11.3 ns/op)"),
                "a floor above an allocator is flagged");
        assertTrue(html.contains("23.0 &ndash; 25.2"), "aset-native's interval");
        // the memory table: aset-native holds 1.5 MiB (1,536 KiB) of which 1,280 KiB used, 1.20 held per byte used
        assertTrue(html.contains(">1,536</td>") && html.contains(">1,280</td>") && html.contains(">1.20</td>"));
        // huge pages from the JMH JSON: first touch with 2 MiB pages is 0.11 of 4k's
        assertTrue(html.contains("First touch of a 1 GiB segment") && html.contains(">0.11</td>"));
        // latency table from the logs
        assertTrue(html.contains("p99.9 ns"));

        // self-contained: every image embedded, nothing fetched
        assertFalse(html.contains("http://"), "an http:// reference");
        assertFalse(html.contains("https://"), "an https:// reference");
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("url("));
        List<byte[]> images = embeddedImages(html);
        List<Path> pngs = charts(run);
        // 2 time + 2 latency + 2 memory + 2 segment + 3 JMH huge-pages charts
        assertEquals(11, images.size());
        assertEquals(images.size(), pngs.size());
        for (int i = 0; i < pngs.size(); i++) {
            byte[] file = Files.readAllBytes(pngs.get(i));
            assertArrayEquals(file, images.get(i), pngs.get(i) + " is what the page embeds");
            assertValidPng(file, pngs.get(i).toString());
        }
    }

    @Test
    void theSummaryComesFirstWithBothOverallRankingsAndSaysWhatIsWithinOneJvm(@TempDir Path base) throws Exception {
        String html = read(RunReport.write(SyntheticRuns.full(base)));
        int summary = html.indexOf("<h2 id=\"summary\">");
        assertTrue(summary > 0 && summary < html.indexOf("<h2 id=\"environment\">"), "the summary before the environment");
        assertTrue(html.contains("<h3>Overall, whole trace in C</h3>"), html);
        assertTrue(html.contains("<h3>Overall, per-op from Java</h3>"), html);
        // one fork per cell: the ratios' intervals are over rounds of one JVM, and the report says so
        assertTrue(html.contains("have fewer than 3 forks"), html);
        assertTrue(html.contains("1.75 [") && html.contains("] within-JVM"), "glibc 42 / aset-native 24: " + html);
    }

    @Test
    void notRunAndFailedCellsShowTheirReasons(@TempDir Path base) throws Exception {
        String html = read(RunReport.write(SyntheticRuns.full(base)));
        int section = html.indexOf("<h2 id=\"not-run\">");
        assertTrue(section > 0);
        String notRun = html.substring(section);
        assertTrue(notRun.contains("<td>jemalloc</td>") && notRun.contains(SyntheticRuns.NOT_RUN_REASON));
        assertTrue(notRun.contains("<td>aset-native-segment@1g</td>"));
        // the reason is text, escaped
        assertTrue(notRun.contains("mmap failed &lt;ENOMEM&gt; &amp; no pages reserved"));
        assertFalse(html.contains("<ENOMEM>"));
        // and in the trace's own table, next to the allocators that ran
        String time = html.substring(html.indexOf("<h3 id=\"time-small-churn\">"), html.indexOf("<h3 id=\"time-per-tuple-reset\">"));
        assertTrue(time.contains("not-run: " + SyntheticRuns.NOT_RUN_REASON));
    }

    @Test
    void runWithoutLatencyMemoryOrHugePagesOmitsThoseSections(@TempDir Path base) throws Exception {
        Path run = SyntheticRuns.plain(base);
        String html = read(RunReport.write(run));
        assertTrue(html.contains("<h2 id=\"time\">"));
        for (String id : List.of("latency", "memory", "hugepages", "not-run", "problems")) {
            assertFalse(html.contains("id=\"" + id + "\""), "section " + id + " without its data");
        }
        assertFalse(html.contains("Huge pages") || html.contains("huge pages"), "huge pages not mentioned");
        // glibc has samples but no recorded median: the samples' median (51) is shown
        assertTrue(html.contains("<td>glibc</td>") && html.contains(">51.0</td>"));
        assertEquals(1, embeddedImages(html).size());
        assertEquals(1, charts(run).size());
    }

    @Test
    void limitRunsGetTheirSection(@TempDir Path base) throws Exception {
        Path run = java.nio.file.Files.createDirectories(base.resolve("limit"));
        org.allocbench.results.RunResults r = SyntheticRuns.start("limit")
                .withCell(new org.allocbench.results.Cell("glibc", "malloc-large", "smallest-limit", "bytes", "ok", null,
                        java.util.List.of(10_485_760.0), java.util.List.of(0), 10_485_760.0, null, null,
                        java.util.Map.of("probes", 9L, "killedProbes", 5L), java.util.List.of()))
                .withCell(new org.allocbench.results.Cell("aset-native", "malloc-large", "limit-run", "bytes", "killed",
                        "trial process (PID 7) was terminated by signal 9: Killed; OOM kill confirmed by the cgroup",
                        java.util.List.of(8_388_608.0), java.util.List.of(), 8_388_608.0, null, null,
                        java.util.Map.of("peakBytes", 8_388_608L), java.util.List.of()));
        ResultsStore.write(run, r);
        String html = read(RunReport.write(run));
        assertTrue(html.contains("<h2 id=\"limits\">Memory limits</h2>"), html);
        assertTrue(html.contains("<td>glibc</td><td>smallest limit</td><td class=\"num\">10.0</td>"
                + "<td class=\"reason\">survived; 9 probes, 5 killed</td>"), html);
        assertTrue(html.contains("killed: trial process (PID 7) was terminated by signal 9: Killed"), html);
    }

    @Test
    void aRunWithNoCellsYetStillGetsAReport(@TempDir Path base) throws Exception {
        Path run = Files.createDirectories(base.resolve("empty"));
        ResultsStore.write(run, SyntheticRuns.start("empty"));
        String html = read(RunReport.write(run));
        assertTrue(html.contains("<h2 id=\"run\">") && html.contains("0 cells"));
        assertFalse(html.contains("<h2 id=\"time\">"));
        assertTrue(embeddedImages(html).isEmpty());
    }

    @Test
    void regeneratingReplacesEarlierChartsAndReportsMissingLogs(@TempDir Path base) throws Exception {
        Path run = SyntheticRuns.plain(base);
        Files.createDirectories(run.resolve("charts"));
        Files.write(run.resolve("charts/99-stale.png"), new byte[] {1, 2, 3});
        RunResults r = ResultsStore.read(run);
        r = r.withCell(SyntheticRuns.ok("mimalloc", "logrand", Cell.REPLAY, 31.0, Map.of(),
                List.of("latency/mimalloc__logrand.hlog")));
        ResultsStore.write(run, r);
        String html = read(RunReport.write(run));
        assertFalse(Files.exists(run.resolve("charts/99-stale.png")));
        assertTrue(html.contains("<h2 id=\"problems\">")
                && html.contains("latency/mimalloc__logrand.hlog: listed in results.json but missing"));
        assertFalse(html.contains("id=\"latency\""));
    }

    @Test
    void segmentCellsAloneMakeAHugePagesSection(@TempDir Path base) throws Exception {
        Path run = Files.createDirectories(base.resolve("segments"));
        RunResults r = SyntheticRuns.start("segments");
        r = r.withCell(SyntheticRuns.ok("aset-native", "small-churn", Cell.REPLAY, 24.0, Map.of(), List.of()));
        r = r.withCell(SyntheticRuns.ok("aset-native-segment@4k", "small-churn", Cell.REPLAY, 25.0, Map.of(), List.of()));
        r = r.withCell(SyntheticRuns.ok("aset-native-segment@thp", "small-churn", Cell.REPLAY, 20.0, Map.of(), List.of()));
        ResultsStore.write(run, r);
        String html = read(RunReport.write(run));
        assertTrue(html.contains("<h2 id=\"hugepages\">") && html.contains("segment, thp pages"));
        assertTrue(html.contains(">0.80</td>"), "thp vs 4k");
        assertFalse(html.contains("HugePagesBenchmark (JMH"));
        assertEquals(2, embeddedImages(html).size());
    }

    @Test
    void aDirectoryWithoutResultsIsRefusedByName(@TempDir Path base) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunReport.write(base));
        assertTrue(e.getMessage().contains("results.json"), e.getMessage());
    }

    @Test
    void percentileAxisLabelsReadAsPercentiles() {
        assertEquals("0%", PercentileChart.percentileLabel(1));
        assertEquals("90%", PercentileChart.percentileLabel(10));
        assertEquals("99%", PercentileChart.percentileLabel(100));
        assertEquals("99.9%", PercentileChart.percentileLabel(1000));
        assertEquals("99.99%", PercentileChart.percentileLabel(10_000));
        assertEquals("68.4%", PercentileChart.percentileLabel(Math.pow(10, 0.5)));
    }

    static void assertValidPng(byte[] bytes, String what) throws Exception {
        assertTrue(bytes.length > 2_000, what + ": " + bytes.length + " bytes");
        byte[] head = new byte[PNG_SIGNATURE.length];
        System.arraycopy(bytes, 0, head, 0, head.length);
        assertArrayEquals(PNG_SIGNATURE, head, what + ": PNG signature");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(img, what + ": ImageIO cannot read it");
        assertTrue(img.getWidth() >= 800 && img.getWidth() <= 2000, what + " width " + img.getWidth());
        assertTrue(img.getHeight() >= 400 && img.getHeight() <= 1200, what + " height " + img.getHeight());
    }
}
