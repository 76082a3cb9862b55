package org.allocbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.results.ResultsStore;

/**
 * The huge-pages data of a run directory's {@code hugepages/} subdirectory:
 * JMH JSON result files of HugePagesBenchmark (what {@code allocbench
 * hugepages} writes), one {@link Score} per benchmark x kind x mapping.
 */
final class HugePagesJmh {

    static final String DIRECTORY = "hugepages";
    static final String BENCHMARK_CLASS = "HugePagesBenchmark.";

    /**
     * One JMH result: benchmark method (firstTouch, randomAccess,
     * replayOnSegment), segment kind and page mapping, segment size, score,
     * its interval (JMH's, 99.9%), unit, minor faults per GiB (NaN if absent).
     */
    record Score(String benchmark, String kind, String mapping, String size, String trace, double score,
            double low, double high, String unit, double faultsPerGiB) {
    }

    private HugePagesJmh() {
    }

    /** Every HugePagesBenchmark result in {@code runDir/hugepages/*.json}; empty if there is none. */
    static List<Score> read(Path runDir, List<String> problems) {
        Path dir = runDir.resolve(DIRECTORY);
        List<Score> scores = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return scores;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list " + dir + ": " + e.getMessage());
            return scores;
        }
        for (Path f : files) {
            JsonNode root;
            try {
                root = ResultsStore.json().readTree(f.toFile());
            } catch (IOException e) {
                problems.add(runDir.relativize(f) + ": not JMH JSON (" + e.getMessage() + ")");
                continue;
            }
            if (root == null || !root.isArray()) {
                continue;
            }
            for (JsonNode r : root) {
                String benchmark = r.path("benchmark").asText("");
                int at = benchmark.indexOf(BENCHMARK_CLASS);
                if (at < 0) {
                    continue;
                }
                JsonNode params = r.path("params");
                JsonNode pm = r.path("primaryMetric");
                double score = pm.path("score").asDouble(Double.NaN);
                double low = Double.NaN;
                double high = Double.NaN;
                JsonNode ci = pm.path("scoreConfidence");
                if (ci.isArray() && ci.size() == 2 && ci.get(0).isNumber() && ci.get(1).isNumber()) {
                    low = ci.get(0).asDouble();
                    high = ci.get(1).asDouble();
                }
                JsonNode faults = r.path("secondaryMetrics").path("faultsPerGiB").path("scorePercentiles").path("50.0");
                scores.add(new Score(benchmark.substring(at + BENCHMARK_CLASS.length()),
                        params.path("kind").asText("?"), params.path("mapping").asText("?"),
                        params.path("size").asText(""), params.path("trace").asText(""), score, low, high,
                        pm.path("scoreUnit").asText(""), faults.isNumber() ? faults.asDouble() : Double.NaN));
            }
        }
        return scores;
    }

    /** What a benchmark measures, as chart titles and table headers say it. */
    static String describe(String benchmark, String size, String trace) {
        String seg = size.isEmpty() ? "the segment" : "a " + bytes(size) + " segment";
        return switch (benchmark) {
            case "firstTouch" -> "First touch of " + seg + " (one write per 4 KiB)";
            case "randomAccess" -> "Random loads from " + seg + " (TLB reach)";
            case "replayOnSegment" -> "AllocSet replay with its blocks on " + seg
                    + (trace.isEmpty() ? "" : ", trace " + trace);
            default -> benchmark;
        };
    }

    /** "1g" as "1 GiB", "256m" as "256 MiB", "4k" as "4 KiB"; anything else as it is. */
    static String bytes(String size) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(\\d+)\\s*([kmgt])i?b?").matcher(size.trim());
        return m.matches() ? m.group(1) + " " + m.group(2).toUpperCase(java.util.Locale.ROOT) + "iB" : size;
    }

    /** The y axis title: what one unit of the score is. */
    static String axis(String benchmark, String unit) {
        return switch (benchmark) {
            case "firstTouch" -> "time per full touch (" + unit.replace("/op", "") + ")";
            case "randomAccess" -> "time per load (" + unit.replace("/op", "") + ")";
            case "replayOnSegment" -> "time per op (" + unit + ")";
            default -> unit;
        };
    }
}
