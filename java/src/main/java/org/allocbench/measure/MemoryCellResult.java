package org.allocbench.measure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one memory cell (one allocator, one trace, one fresh JVM) measured;
 * {@link MemoryCell} defines every figure. It travels from the child JVM to
 * its parent ({@link MemoryCellProcess}) as one line of flat JSON ({@link #toJson()},
 * {@link #fromJson(String)}); a figure that is unknown or undefined (a ratio
 * over zero live bytes) is {@code null} there and {@code null} or NaN here.
 */
public record MemoryCellResult(
        String allocator,
        String pattern,
        int ops,
        long seed,
        String touch,
        boolean peakReset,
        long baselineRssBytes,
        long peakRssBytes,
        long peakRssDeltaBytes,
        long rssAtEndBytes,
        long rssDeltaAtEndBytes,
        long minorFaults,
        double minorFaultsPerOp,
        long threadMinorFaults,
        double threadMinorFaultsPerOp,
        long peakLiveRequestedBytes,
        long liveRequestedAtEndBytes,
        Long allocatorTotalBytes,
        double overheadRatio,
        String overheadSource,
        double rssPerLiveAtEnd,
        double peakRssPerPeakLive,
        long javaHeapUsedBytes,
        long javaHeapUsedDeltaBytes,
        long replayNanos) {

    /** One line of JSON, keys in declaration order, no spaces, no newline. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("allocator", allocator);
        m.put("pattern", pattern);
        m.put("ops", ops);
        m.put("seed", seed);
        m.put("touch", touch);
        m.put("peakReset", peakReset);
        m.put("baselineRssBytes", baselineRssBytes);
        m.put("peakRssBytes", peakRssBytes);
        m.put("peakRssDeltaBytes", peakRssDeltaBytes);
        m.put("rssAtEndBytes", rssAtEndBytes);
        m.put("rssDeltaAtEndBytes", rssDeltaAtEndBytes);
        m.put("minorFaults", minorFaults);
        m.put("minorFaultsPerOp", minorFaultsPerOp);
        m.put("threadMinorFaults", threadMinorFaults);
        m.put("threadMinorFaultsPerOp", threadMinorFaultsPerOp);
        m.put("peakLiveRequestedBytes", peakLiveRequestedBytes);
        m.put("liveRequestedAtEndBytes", liveRequestedAtEndBytes);
        m.put("allocatorTotalBytes", allocatorTotalBytes);
        m.put("overheadRatio", overheadRatio);
        m.put("overheadSource", overheadSource);
        m.put("rssPerLiveAtEnd", rssPerLiveAtEnd);
        m.put("peakRssPerPeakLive", peakRssPerPeakLive);
        m.put("javaHeapUsedBytes", javaHeapUsedBytes);
        m.put("javaHeapUsedDeltaBytes", javaHeapUsedDeltaBytes);
        m.put("replayNanos", replayNanos);
        StringBuilder sb = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":").append(jsonValue(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** Parses what {@link #toJson()} wrote (a flat object; unknown keys are ignored). */
    public static MemoryCellResult fromJson(String json) {
        Map<String, String> m = parseFlat(json);
        return new MemoryCellResult(str(m, "allocator"), str(m, "pattern"), (int) lng(m, "ops"), lng(m, "seed"), str(m, "touch"),
                Boolean.parseBoolean(raw(m, "peakReset")), lng(m, "baselineRssBytes"), lng(m, "peakRssBytes"),
                lng(m, "peakRssDeltaBytes"), lng(m, "rssAtEndBytes"), lng(m, "rssDeltaAtEndBytes"),
                lng(m, "minorFaults"), dbl(m, "minorFaultsPerOp"), lng(m, "threadMinorFaults"),
                dbl(m, "threadMinorFaultsPerOp"), lng(m, "peakLiveRequestedBytes"),
                lng(m, "liveRequestedAtEndBytes"),
                "null".equals(raw(m, "allocatorTotalBytes")) ? null : lng(m, "allocatorTotalBytes"),
                dbl(m, "overheadRatio"), str(m, "overheadSource"), dbl(m, "rssPerLiveAtEnd"),
                dbl(m, "peakRssPerPeakLive"), lng(m, "javaHeapUsedBytes"), lng(m, "javaHeapUsedDeltaBytes"),
                lng(m, "replayNanos"));
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", d);
        }
        if (v instanceof String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
        return v.toString();
    }

    /** key -> raw value text (strings unescaped, without quotes; others as written). */
    static Map<String, String> parseFlat(String json) {
        String s = json.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + json);
        }
        Map<String, String> m = new LinkedHashMap<>();
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            i = skipSpace(s, i);
            if (i >= end) {
                break;
            }
            StringBuilder key = new StringBuilder();
            i = readString(s, i, key);
            i = skipSpace(s, i);
            if (s.charAt(i) != ':') {
                throw new IllegalArgumentException("expected ':' at " + i + " in " + json);
            }
            i = skipSpace(s, i + 1);
            String value;
            if (s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i = readString(s, i, v);
                value = v.toString();
            } else {
                int start = i;
                while (i < end && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                value = s.substring(start, i);
            }
            m.put(key.toString(), value);
            i = skipSpace(s, i);
            if (i < end) {
                if (s.charAt(i) != ',') {
                    throw new IllegalArgumentException("expected ',' at " + i + " in " + json);
                }
                i++;
            }
        }
        return m;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int readString(String s, int i, StringBuilder out) {
        if (s.charAt(i) != '"') {
            throw new IllegalArgumentException("expected '\"' at " + i + " in " + s);
        }
        i++;
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') {
                char e = s.charAt(i++);
                if (e == 'u') {
                    out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                } else {
                    out.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        default -> e;
                    });
                }
            } else {
                out.append(c);
            }
        }
        return i + 1;
    }

    private static String raw(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing key \"" + key + "\"");
        }
        return v;
    }

    private static String str(Map<String, String> m, String key) {
        return raw(m, key);
    }

    private static long lng(Map<String, String> m, String key) {
        return Long.parseLong(raw(m, key));
    }

    private static double dbl(Map<String, String> m, String key) {
        String v = raw(m, key);
        return "null".equals(v) ? Double.NaN : Double.parseDouble(v);
    }
}
