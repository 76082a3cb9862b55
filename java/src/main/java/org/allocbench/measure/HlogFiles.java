package org.allocbench.measure;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes and reads HdrHistogram log files ({@code .hlog}): the format of
 * {@link HistogramLogWriter}, which HdrHistogram's own tools read
 * ({@code java -cp HdrHistogram.jar org.HdrHistogram.HistogramLogProcessor -i FILE}
 * prints the percentile distribution; HistogramLogAnalyzer plots it).
 *
 * <p>A file holds one cell (allocator x trace): comment lines saying what was
 * measured and how (allocator, trace, mode, timer and its measured cost), the
 * format version, a {@code #[StartTime: ...]} and {@code #[BaseTime: ...]}
 * line, the legend, and one interval histogram whose start and end are the
 * recording's wall-clock times.
 *
 * <p>The interval is deliberately untagged: HistogramLogProcessor without
 * {@code -tag} processes only untagged intervals (2.2.2 fails with a
 * NullPointerException on a file holding tagged ones only), so a tag would
 * make {@code -i FILE} alone useless. The cell is named by the file name and
 * the comment lines instead.
 */
public final class HlogFiles {

    private HlogFiles() {
    }

    /** File name of a cell: {@code <allocator>__<trace>.hlog}. */
    public static String fileName(String allocator, String trace) {
        return allocator + "__" + trace + ".hlog";
    }

    /**
     * Writes {@code histogram} to {@code file}. The histogram's start and end
     * time stamps (ms since the epoch) must be set; the start is the log's
     * start and base time. {@code comments} become {@code #} lines.
     */
    public static void write(Path file, Histogram histogram, List<String> comments) throws IOException {
        long start = histogram.getStartTimeStamp();
        if (start <= 0 || histogram.getEndTimeStamp() < start) {
            throw new IllegalArgumentException("set the histogram's start and end time stamps before writing it");
        }
        try (OutputStream os = Files.newOutputStream(file);
                PrintStream ps = new PrintStream(os, false, StandardCharsets.US_ASCII)) {
            HistogramLogWriter writer = new HistogramLogWriter(ps);
            for (String c : comments) {
                for (String line : c.split("\n")) {
                    writer.outputComment(line);
                }
            }
            writer.outputLogFormatVersion();
            writer.outputStartTime(start);
            writer.setBaseTime(start);
            writer.outputBaseTime(start);
            writer.outputLegend();
            writer.outputIntervalHistogram(histogram);
            ps.flush();
            if (ps.checkError()) {
                throw new IOException("could not write " + file);
            }
        }
    }

    /** Every interval histogram in {@code file}, in order, as HdrHistogram's own reader returns them. */
    public static List<Histogram> read(Path file) throws IOException {
        List<Histogram> all = new ArrayList<>();
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(file.toFile());
        } catch (FileNotFoundException e) {
            throw new IOException("cannot read " + file, e);
        }
        try {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                if (!(h instanceof Histogram histogram)) {
                    throw new IOException(file + " holds a " + h.getClass().getSimpleName() + ", not a Histogram");
                }
                all.add(histogram);
            }
        } finally {
            reader.close();
        }
        return all;
    }
}
