package org.allocbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.allocbench.measure.HlogFiles;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/** Run directories made up for the report's tests: results.json, .hlog files, huge-pages JMH JSON. */
final class SyntheticRuns {

    static final String NOT_RUN_REASON = "libjemalloc.so.2 not found (apt-get install libjemalloc2)";
    static final String FAILED_REASON = "segment of 1g pages: mmap failed <ENOMEM> & no pages reserved";

    private SyntheticRuns() {
    }

    static RunResults start(String id) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cpu", "Test CPU @ 2.80GHz");
        env.put("cores", 2);
        env.put("thp", "madvise");
        env.put("allocatorVersions", Map.of("jemalloc", "5.3.0"));
        env.put("gitRemote", "https://example.invalid/allocbench.git");
        env.put("gitCommit", null);
        return RunResults.start(new RunInfo(id, "quick", RunInfo.COMPLETE, "2026-11-22T05:00:00Z",
                "2026-11-22T05:02:00Z", "allocbench run", "allocbench.jar", "00ff", "abc123", "0.1.0"), env,
                new Settings(100_000, 42, 3, 7, 1, 1, "interleaved-rounds"));
    }

    /** An ok cell of 7 samples around {@code median}, with its interval. */
    static Cell ok(String allocator, String trace, String metric, double median, Map<String, Long> stats,
            List<String> files) {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            samples.add(median * (0.94 + 0.02 * i));
        }
        return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.OK, null, samples,
                List.of(0, 0, 0, 0, 0, 0, 0), median, median * 0.96, median * 1.05, stats, files);
    }

    static Map<String, Long> stats(long total, long free) {
        return Map.of("totalBytes", total, "blocks", 12L, "freeChunks", 30L, "freeBytes", free, "usedBytes",
                total - free);
    }

    /** A per-op latency log of {@code allocator} x {@code trace} under runDir/latency/; returns its relative path. */
    static String hlog(Path runDir, String allocator, String trace, long typicalNs) throws IOException {
        Path dir = Files.createDirectories(runDir.resolve("latency"));
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        Random r = new Random(allocator.hashCode() ^ trace.hashCode());
        for (int i = 0; i < 50_000; i++) {
            double x = r.nextDouble();
            long v = x < 0.99 ? typicalNs + r.nextInt((int) typicalNs) : x < 0.9999 ? typicalNs * 20 : typicalNs * 500;
            h.recordValue(v);
        }
        h.setStartTimeStamp(1_763_787_600_000L);
        h.setEndTimeStamp(1_763_787_601_000L);
        String name = HlogFiles.fileName(allocator, trace);
        HlogFiles.write(dir.resolve(name), h, List.of("synthetic: allocator=" + allocator + " trace=" + trace));
        return "latency/" + name;
    }

    /**
     * Everything the report can show: two traces, per-op cells with stats
     * and latency logs, floors, whole-trace lanes, segment cells, a not-run
     * and a failed cell, and huge-pages JMH JSON.
     */
    static Path full(Path base) throws IOException {
        Path dir = Files.createDirectories(base.resolve("full-run"));
        RunResults r = start("full-run");
        for (String trace : List.of("small-churn", "per-tuple-reset")) {
            r = r.withCell(ok("aset-native", trace, Cell.REPLAY, 24.0, stats(1_572_864, 262_144),
                    List.of(hlog(dir, "aset-native", trace, 40))));
            r = r.withCell(ok("glibc", trace, Cell.REPLAY, 42.0, Map.of(), List.of(hlog(dir, "glibc", trace, 70))));
            r = r.withCell(ok("netty-pooled", trace, Cell.REPLAY, 107.0, Map.of("totalBytes", 4_194_304L),
                    List.of()));
            r = r.withCell(ok("aset-native-segment@4k", trace, Cell.REPLAY, 25.0, stats(1_572_864, 262_144),
                    List.of()));
            r = r.withCell(ok("aset-native-segment@2m", trace, Cell.REPLAY, 23.0, stats(1_572_864, 262_144),
                    List.of()));
            r = r.withCell(ok("floor", trace, Cell.FLOOR, 15.6, Map.of(), List.of()));
            r = r.withCell(ok("jdk-arena", trace, Cell.REPLAY, 14.0, Map.of(), List.of()));
            r = r.withCell(ok("aset-c", trace, Cell.WHOLE_TRACE, 11.3, stats(1_572_864, 262_144), List.of()));
            r = r.withCell(ok("glibc-c", trace, Cell.WHOLE_TRACE, 30.1, Map.of(), List.of()));
            r = r.withCell(ok("pg15-real", trace, Cell.WHOLE_TRACE, 13.4, Map.of(), List.of()));
            r = r.withCell(ok("floor-c", trace, Cell.WHOLE_TRACE_FLOOR, 12.0, Map.of(), List.of()));
        }
        r = r.withCell(Cell.notRun("jemalloc", "small-churn", Cell.REPLAY, Cell.NOT_RUN, NOT_RUN_REASON));
        r = r.withCell(new Cell("aset-native-segment@1g", "small-churn", Cell.REPLAY, Cell.NS_PER_OP, Cell.FAILED,
                FAILED_REASON, List.of(), List.of(), null, null, null, Map.of(), List.of()));
        ResultsStore.write(dir, r);
        Path hp = Files.createDirectories(dir.resolve("hugepages"));
        Files.writeString(hp.resolve("jmh.json"), hugePagesJson());
        return dir;
    }

    /** Only ns/op: no stats, no files, no segment cells, no hugepages/, nothing failed. */
    static Path plain(Path base) throws IOException {
        Path dir = Files.createDirectories(base.resolve("plain-run"));
        RunResults r = start("plain-run");
        r = r.withCell(ok("aset-native", "logrand", Cell.REPLAY, 30.0, Map.of(), List.of()));
        r = r.withCell(ok("aset-java", "logrand", Cell.REPLAY, 29.0, Map.of(), List.of()));
        // no median recorded: the report takes the samples'
        r = r.withCell(new Cell("glibc", "logrand", Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null,
                List.of(50.0, 52.0, 51.0), List.of(), null, null, null, Map.of(), List.of()));
        ResultsStore.write(dir, r);
        return dir;
    }

    private static String hugePagesJson() {
        StringBuilder s = new StringBuilder("[");
        String[][] rows = {{"firstTouch", "ms/op", "4k", "890.4"}, {"firstTouch", "ms/op", "2m", "99.7"},
                {"randomAccess", "ns/op", "4k", "302.8"}, {"randomAccess", "ns/op", "2m", "207.1"},
                {"replayOnSegment", "ns/op", "4k", "11.4"}, {"replayOnSegment", "ns/op", "2m", "10.6"}};
        for (int i = 0; i < rows.length; i++) {
            String[] row = rows[i];
            double score = Double.parseDouble(row[3]);
            s.append(i == 0 ? "" : ",").append("""
                    {"benchmark": "org.allocbench.bench.HugePagesBenchmark.%s", "mode": "avgt",
                     "params": {"kind": "anonymous", "mapping": "%s", "size": "1g"%s},
                     "primaryMetric": {"score": %s, "scoreError": %s, "scoreConfidence": [%s, %s],
                                       "scoreUnit": "%s"},
                     "secondaryMetrics": {"faultsPerGiB": {"scorePercentiles": {"50.0": %s}}}}
                    """.formatted(row[0], row[2], row[0].equals("replayOnSegment") ? ", \"trace\": \"per-tuple-reset\"" : "",
                    score, score * 0.1, score * 0.9, score * 1.1, row[1], row[2].equals("4k") ? 262144 : 512));
        }
        return s.append("]").toString();
    }
}
