package org.allocbench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The HTML the report's sections share: escaping, element ids, key-value
 * tables, value ranges and the page's stylesheet. Everything a section shows
 * that came from a run (names, reasons, environment values) goes through
 * {@link #esc}: results.json is data, never markup.
 */
final class Html {

    /**
     * The page's stylesheet, inlined into its {@code <style>} element: the
     * report must need nothing from elsewhere at view time. It lives in
     * {@code report.css} next to this class so it can be read and edited as CSS.
     */
    static final String CSS = resource("report.css");

    private Html() {
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

    /** An element id or file name from free text (a trace or allocator name): anything unusual becomes "_". */
    static String anchor(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** "low &ndash; high", each with three significant figures: how every interval is printed. */
    static String range(double low, double high) {
        return Numbers.significant(low) + " &ndash; " + Numbers.significant(high);
    }

    /** A two-column table of names and free-form values (run facts, the environment). */
    static void keyValueTable(StringBuilder out, Map<String, ?> rows) {
        out.append("<table class=\"kv\">");
        keyValueRows(out, rows);
        out.append("</table>\n");
    }

    private static void keyValueRows(StringBuilder out, Map<?, ?> rows) {
        for (Map.Entry<?, ?> e : rows.entrySet()) {
            out.append("<tr><th>").append(esc(String.valueOf(e.getKey()))).append("</th><td>")
                    .append(value(e.getValue())).append("</td></tr>");
        }
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
            keyValueRows(s, m);
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

    /** A text resource next to this class; its absence is a packaging error, not a user's. */
    private static String resource(String name) {
        try (InputStream in = Html.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar next to " + Html.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the jar", e);
        }
    }
}
