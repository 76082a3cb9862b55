package org.allocbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Escaping, ids, key-value tables and the stylesheet the report's sections share. */
class HtmlTest {

    @Test
    void escapingLeavesNoMarkupAndNoLink() {
        assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", Html.esc("<b> & \"x\" 'y'"));
        assertEquals("https:&#47;&#47;example.invalid/a", Html.esc("https://example.invalid/a"));
        assertEquals("", Html.esc(null));
        assertEquals("time-small_churn_1_", Html.anchor("time-small churn#1?"));
    }

    @Test
    void keyValueTablesNestMapsAndListsAndSayWhatIsUnknown() {
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("cores", 2);
        rows.put("versions", Map.of("jemalloc", "5.3.0"));
        rows.put("flags", List.of("a", "b"));
        rows.put("commit", null);
        StringBuilder out = new StringBuilder();
        Html.keyValueTable(out, rows);
        assertEquals("<table class=\"kv\"><tr><th>cores</th><td>2</td></tr>"
                + "<tr><th>versions</th><td><table class=\"nested\"><tr><th>jemalloc</th><td>5.3.0</td></tr></table>"
                + "</td></tr><tr><th>flags</th><td>a, b</td></tr>"
                + "<tr><th>commit</th><td><span class=\"muted\">unknown</span></td></tr></table>\n", out.toString());
    }

    @Test
    void theStylesheetComesFromTheJarAndFetchesNothing() {
        assertTrue(Html.CSS.startsWith("body {") && Html.CSS.endsWith("}\n"), Html.CSS);
        assertFalse(Html.CSS.contains("url(") || Html.CSS.contains("@import"), Html.CSS);
    }

    @Test
    void numbersKeepThreeSignificantFiguresAtMost() {
        assertEquals("1,234", Numbers.significant(1234.4));
        assertEquals("123", Numbers.significant(123.4));
        assertEquals("12.3", Numbers.significant(12.34));
        assertEquals("1.23", Numbers.significant(1.234));
        assertEquals("-", Numbers.significant(Double.NaN));
        assertEquals("23.0 &ndash; 25.2", Html.range(23.04, 25.2));
    }
}
