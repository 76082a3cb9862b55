package org.allocbench.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.trace.OpBudget;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;

/**
 * Reads a campaign file, JSON ({@code .json}) or YAML (anything else, e.g.
 * {@code .yaml}, {@code .yml}). Every key is optional: the file overrides the preset named by
 * {@code base} (quick, gate or full; default quick, or full for method jmh).
 * Unknown keys, wrong types, unknown allocators and traces are errors that
 * name the file and the key ({@link CampaignFileException}).
 *
 * <pre>
 * name: nightly            # the run directory's suffix (default: the file name without extension)
 * base: quick              # preset the file starts from: quick | gate | full | scale
 * method: interleaved      # interleaved | jmh
 * allocators: [aset-native, glibc]   # default: every allocator (unavailable ones: not-run cells)
 * traces: [small-churn, logrand]     # built-in names, trace files or directories (relative: to this file)
 * ops: 100000              # ops per trace (interleaved; jmh is fixed at 100000)
 * opsPerTrace: {large-chunks: 10000}
 * seed: 42
 * warmup: 3                # warm-up rounds (interleaved)
 * rounds: 7                # measured rounds (interleaved)
 * forks: 1                 # child JVMs running the campaign one after another (interleaved)
 * threads: 1               # replay threads per cell, each with its own context; a list ([1, 2, 4]) or
 *                          # "scale" (1, 2, 4 ... up to 4x the CPUs) measures every cell at each count
 * jmh: {forks: 2, warmupIterations: 3, iterations: 5, time: 1s}
 * hugePages: [4k, thp]     # adds aset-native-segment@MODE cells: 4k | thp | 2m | 1g
 * wholeTrace: true         # the whole-trace lanes aset-c, aset-pg15-c (and pg15-real)
 * postgres: true           # pg15-real where PostgreSQL 15 is installed
 * floors: true             # the harness floors (null allocator, no-op downcall)
 * </pre>
 */
public final class CampaignFile {

    /** The keys a campaign file may have. */
    public static final List<String> KEYS = List.of("name", "base", "method", "allocators", "traces", "ops",
            "opsPerTrace", "seed", "warmup", "rounds", "forks", "threads", "jmh", "hugePages", "wholeTrace",
            "postgres", "floors");
    public static final List<String> JMH_KEYS = List.of("forks", "warmupIterations", "iterations", "time");
    public static final List<String> HUGE_PAGE_MODES = Arrays.stream(PageMapping.values())
            .map(PageMapping::label).toList();
    private static final Pattern JMH_TIME = Pattern.compile("\\d+(ns|us|ms|s|m|min|h)");

    /** A campaign file that cannot be used; the message names the file and the key. */
    public static final class CampaignFileException extends IllegalArgumentException {
        public CampaignFileException(String message) {
            super(message);
        }
    }

    private CampaignFile() {
    }

    public static Campaign read(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CampaignFileException(file + ": cannot read the campaign file (no such readable file)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CampaignFileException(file + ": cannot read the campaign file: " + e.getMessage());
        }
        String stem = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, isYaml(file), stem, dir);
    }

    /** JSON for {@code .json}; YAML (a superset of JSON) for anything else. */
    private static boolean isYaml(Path file) {
        return !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /** Parses {@code text}; {@code where} names the file in errors, {@code defaultName} is the campaign's name if none is given. */
    public static Campaign parse(String where, String text, boolean yaml, String defaultName) {
        return parse(where, text, yaml, defaultName, null);
    }

    /** As {@link #parse(String, String, boolean, String)}; relative trace paths resolve against {@code dir}. */
    public static Campaign parse(String where, String text, boolean yaml, String defaultName, Path dir) {
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CampaignFileException(where + ": not valid " + (yaml ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new CampaignFileException(where + ": empty campaign file");
        }
        if (!root.isObject()) {
            throw new CampaignFileException(where + ": expected a mapping of keys (" + String.join(", ", KEYS) + ")");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new CampaignFileException(where + ": unknown key \"" + key + "\" (known: "
                        + String.join(", ", KEYS) + ")");
            }
        }
        String method = root.has("method") ? string(where, root, "method") : null;
        if (method != null && !method.equals(Campaign.INTERLEAVED) && !method.equals(Campaign.JMH)) {
            throw new CampaignFileException(where + ": method: expected interleaved or jmh, got \"" + method + "\"");
        }
        String baseName = root.has("base") ? string(where, root, "base")
                : Campaign.JMH.equals(method) ? "full" : "quick";
        Campaign base = Campaign.preset(baseName);
        if (base == null) {
            throw new CampaignFileException(where + ": base: unknown preset \"" + baseName + "\" (known: "
                    + String.join(", ", Campaign.presetNames()) + ")");
        }
        String name = root.has("name") ? string(where, root, "name") : defaultName;
        if (method == null) {
            method = base.method();
        }
        List<String> allocators = base.allocators();
        if (root.has("allocators")) {
            allocators = strings(where, root, "allocators");
            for (String a : allocators) {
                try {
                    Allocators.byName(a);
                } catch (IllegalArgumentException e) {
                    throw new CampaignFileException(where + ": allocators: " + e.getMessage());
                }
            }
        }
        List<String> traces = base.traces();
        List<Workload> workloads = base.workloadList();
        if (root.has("traces")) {
            try {
                // every file is read and validated here, before the run starts
                workloads = Workloads.resolveAll(strings(where, root, "traces"), dir);
            } catch (IllegalArgumentException e) {
                throw new CampaignFileException(where + ": traces: " + e.getMessage());
            }
            traces = workloads.stream().map(Workload::name).toList();
        }
        int ops = root.has("ops") ? opCount(where, root, "ops") : base.ops();
        Map<String, Integer> opsPerTrace = root.has("ops") ? Map.of() : base.opsPerTrace();
        if (root.has("opsPerTrace")) {
            JsonNode m = root.get("opsPerTrace");
            if (!m.isObject()) {
                throw new CampaignFileException(where + ": opsPerTrace: expected a mapping of trace: ops");
            }
            Map<String, Integer> map = new LinkedHashMap<>();
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String t = it.next();
                checkTrace(where, "opsPerTrace", t, traces);
                map.put(t, opCount(where + ": opsPerTrace", m, t));
            }
            opsPerTrace = map;
        }
        long seed = root.has("seed") ? integer(where, root, "seed", Long.MIN_VALUE) : base.seed();
        int warmup = root.has("warmup") ? (int) integer(where, root, "warmup", 0) : base.warmup();
        int rounds = root.has("rounds") ? positive(where, root, "rounds") : base.rounds();
        int forks = root.has("forks") ? positive(where, root, "forks") : base.forks();
        List<Integer> threads = root.has("threads") ? threadCounts(where, root.get("threads")) : base.threadCounts();
        Campaign.Jmh jmh = base.jmh();
        if (root.has("jmh")) {
            JsonNode j = root.get("jmh");
            if (!j.isObject()) {
                throw new CampaignFileException(where + ": jmh: expected a mapping with " + String.join(", ", JMH_KEYS));
            }
            for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!JMH_KEYS.contains(key)) {
                    throw new CampaignFileException(where + ": jmh: unknown key \"" + key + "\" (known: "
                            + String.join(", ", JMH_KEYS) + ")");
                }
            }
            String w = where + ": jmh";
            String time = j.has("time") ? string(w, j, "time") : jmh.time();
            if (!JMH_TIME.matcher(time).matches()) {
                throw new CampaignFileException(w + ": time: expected a duration like 1s or 500ms, got \"" + time + "\"");
            }
            jmh = new Campaign.Jmh(j.has("forks") ? positive(w, j, "forks") : jmh.forks(),
                    j.has("warmupIterations") ? (int) integer(w, j, "warmupIterations", 0) : jmh.warmupIterations(),
                    j.has("iterations") ? positive(w, j, "iterations") : jmh.iterations(), time);
        }
        List<String> hugePages = base.hugePages();
        if (root.has("hugePages")) {
            hugePages = strings(where, root, "hugePages");
            for (String h : hugePages) {
                if (!HUGE_PAGE_MODES.contains(h)) {
                    throw new CampaignFileException(where + ": hugePages: unknown mode \"" + h + "\" (known: "
                            + String.join(", ", HUGE_PAGE_MODES) + ")");
                }
            }
        }
        boolean wholeTrace = root.has("wholeTrace") ? bool(where, root, "wholeTrace") : base.wholeTrace();
        boolean postgres = root.has("postgres") ? bool(where, root, "postgres") : base.postgres();
        boolean floors = root.has("floors") ? bool(where, root, "floors") : base.floors();
        if (method.equals(Campaign.JMH) && root.has("ops") && ops != PerOpLanes.JMH_TRACE_OPS) {
            throw new CampaignFileException(where + ": ops: method jmh replays exactly "
                    + PerOpLanes.JMH_TRACE_OPS + " ops per trace (ReplayBenchmark.OPS), not " + ops);
        }
        if (method.equals(Campaign.JMH) && !threads.equals(List.of(1))) {
            throw new CampaignFileException(where + ": threads: method jmh runs one replay thread per fork;"
                    + " threads > 1 needs method interleaved");
        }
        if (method.equals(Campaign.JMH)) {
            ops = PerOpLanes.JMH_TRACE_OPS;
            opsPerTrace = Map.of();
        }
        Map<String, Workload> byName = new LinkedHashMap<>();
        for (Workload w : workloads) {
            byName.put(w.name(), w);
        }
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, forks, threads,
                jmh, hugePages, wholeTrace, postgres, floors, byName);
    }

    /** An opsPerTrace key: one of the campaign's traces, or a built-in (the base's overrides may name others). */
    private static void checkTrace(String where, String key, String trace, List<String> traces) {
        if (traces.contains(trace)) {
            return;
        }
        try {
            Workloads.builtin(trace);
        } catch (IllegalArgumentException e) {
            throw new CampaignFileException(where + ": " + key + ": " + e.getMessage());
        }
    }

    private static String string(String where, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new CampaignFileException(where + ": " + key + ": expected a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static List<String> strings(String where, JsonNode node, String key) {
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String s : v.asText().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new CampaignFileException(where + ": " + key + ": expected a list of names, got " + e);
                }
                out.add(e.asText());
            }
        } else {
            throw new CampaignFileException(where + ": " + key + ": expected a list of names, got " + v);
        }
        if (out.isEmpty() && !key.equals("hugePages")) {
            throw new CampaignFileException(where + ": " + key + ": the list is empty");
        }
        return out;
    }

    private static long integer(String where, JsonNode node, String key, long min) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min
                || (min >= 0 && v.asLong() > Integer.MAX_VALUE)) {
            throw new CampaignFileException(where + ": " + key + ": expected an integer"
                    + (min == Long.MIN_VALUE ? "" : " of at least " + min) + ", got " + v);
        }
        return v.asLong();
    }

    /** threads: a count, a list of counts, or "scale" (1, 2, 4 ... up to 4x this machine's CPUs). */
    private static List<Integer> threadCounts(String where, JsonNode node) {
        if (node.isTextual() && node.asText().equals("scale")) {
            return Campaign.scalingThreadCounts(Runtime.getRuntime().availableProcessors());
        }
        List<Integer> counts = new java.util.ArrayList<>();
        for (JsonNode n : node.isArray() ? node : List.of(node)) {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 1024) {
                throw new CampaignFileException(where + ": threads: expected a count 1..1024, a list of counts, or"
                        + " \"scale\", got " + n);
            }
            counts.add(n.asInt());
        }
        if (counts.isEmpty()) {
            throw new CampaignFileException(where + ": threads: the list is empty");
        }
        return counts;
    }

    private static int positive(String where, JsonNode node, String key) {
        return (int) integer(where, node, key, 1);
    }

    /** An op count that this JVM's heap can hold (the lanes' JVMs have the same): checked before anything runs. */
    private static int opCount(String where, JsonNode node, String key) {
        int ops = positive(where, node, key);
        String problem = OpBudget.problem(ops);
        if (problem != null) {
            throw new CampaignFileException(where + ": " + key + ": " + problem);
        }
        return ops;
    }

    private static boolean bool(String where, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new CampaignFileException(where + ": " + key + ": expected true or false, got " + v);
        }
        return v.asBoolean();
    }
}
