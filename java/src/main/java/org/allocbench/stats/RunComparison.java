package org.allocbench.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunResults;

/**
 * Two runs side by side ({@code allocbench compare RUN_A RUN_B}): for every
 * cell measured in both, the ratio B/A with a bootstrap interval over forks
 * ({@link Bootstrap#unpaired}) and a verdict; the cells only one run has; and
 * the cells present in both that cannot be compared (failed, not run, no
 * samples). Rows keep run A's cell order.
 */
public final class RunComparison {

    private final List<CellComparison> rows;
    private final List<String> onlyInA;
    private final List<String> onlyInB;
    private final List<String> notCompared;
    private final Bootstrap bootstrap;

    private RunComparison(List<CellComparison> rows, List<String> onlyInA, List<String> onlyInB,
            List<String> notCompared, Bootstrap bootstrap) {
        this.rows = List.copyOf(rows);
        this.onlyInA = List.copyOf(onlyInA);
        this.onlyInB = List.copyOf(onlyInB);
        this.notCompared = List.copyOf(notCompared);
        this.bootstrap = bootstrap;
    }

    public static RunComparison of(RunResults a, RunResults b, Bootstrap bootstrap) {
        Map<CellKey, Cell> cellsB = new LinkedHashMap<>();
        for (Cell c : b.cells()) {
            cellsB.putIfAbsent(c.key(), c);
        }
        List<CellComparison> rows = new ArrayList<>();
        List<String> onlyInA = new ArrayList<>();
        List<String> notCompared = new ArrayList<>();
        Map<CellKey, Cell> seenA = new LinkedHashMap<>();
        for (Cell ca : a.cells()) {
            CellKey key = ca.key();
            if (seenA.putIfAbsent(key, ca) != null) {
                continue;
            }
            Cell cb = cellsB.get(key);
            if (cb == null) {
                onlyInA.add(key.label());
            } else if (!usable(ca) || !usable(cb)) {
                notCompared.add(key.label() + " (A: " + describe(ca) + "; B: " + describe(cb) + ")");
            } else {
                rows.add(new CellComparison(ca.allocator(), ca.trace(), ca.metric(), ca.unit(),
                        Bootstrap.point(ca.samples(), ca.sampleForks()), Bootstrap.point(cb.samples(), cb.sampleForks()),
                        bootstrap.unpaired(key.label(), ca, cb), ca.host()));
            }
        }
        List<String> onlyInB = cellsB.keySet().stream().filter(k -> !seenA.containsKey(k)).map(CellKey::label).toList();
        return new RunComparison(rows, onlyInA, onlyInB, notCompared, bootstrap);
    }

    static boolean usable(Cell c) {
        return Cell.OK.equals(c.status()) && !c.samples().isEmpty();
    }

    static String describe(Cell c) {
        if (Cell.OK.equals(c.status())) {
            return c.samples().isEmpty() ? "no samples" : c.samples().size() + " samples";
        }
        return c.status() + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason());
    }

    public List<CellComparison> rows() {
        return rows;
    }

    public List<String> onlyInA() {
        return onlyInA;
    }

    public List<String> onlyInB() {
        return onlyInB;
    }

    public List<String> notCompared() {
        return notCompared;
    }

    /** The plain-text table the command prints. */
    public String table() {
        StringBuilder out = new StringBuilder();
        String ci = percent(bootstrap.confidence()) + " interval";
        boolean hosts = rows.stream().anyMatch(r -> r.host() != null); // runs merged from several hosts
        out.append(hosts ? String.format(Locale.ROOT, "%-12s ", "host") : "");
        out.append(String.format(Locale.ROOT, "%-15s %-18s %-10s %10s %10s %8s %-18s %-14s %s%n", "allocator", "trace",
                "metric", "median A", "median B", "B/A", ci, "verdict", "resampled"));
        for (CellComparison r : rows) {
            RatioEstimate e = r.estimate();
            out.append(hosts ? String.format(Locale.ROOT, "%-12s ", r.host()) : "");
            out.append(String.format(Locale.ROOT, "%-15s %-18s %-10s %10.2f %10.2f %8s %-18s %-14s %s%n", r.allocator(),
                    r.trace(), r.metric(), r.medianA(), r.medianB(), ratio(e), e.formatInterval(), r.verdict().label(),
                    e.method().label() + " " + e.unitsA() + "/" + e.unitsB()));
        }
        appendNotes(out, "");
        return out.toString();
    }

    /** The same as Markdown (a table and lists), for a CI summary or a pull request. */
    public String markdown(String labelA, String labelB) {
        StringBuilder out = new StringBuilder();
        out.append("## allocbench compare\n\n");
        out.append("A: `").append(labelA).append("`  \nB: `").append(labelB).append("`\n\n");
        out.append("Ratio B/A of ns/op (above 1: B is slower), ").append(percent(bootstrap.confidence()))
                .append(" bootstrap interval over forks (").append(String.format(Locale.ROOT, "%,d", bootstrap.resamples()))
                .append(" resamples, seed ").append(bootstrap.seed()).append(").\n\n");
        boolean hosts = rows.stream().anyMatch(r -> r.host() != null);
        out.append(hosts ? "| host " : "").append("| allocator | trace | metric | median A | median B | B/A | ")
                .append(percent(bootstrap.confidence())).append(" interval | verdict |\n");
        out.append(hosts ? "|---" : "").append("|---|---|---|---:|---:|---:|---|---|\n");
        for (CellComparison r : rows) {
            RatioEstimate e = r.estimate();
            String verdict = r.verdict() == Verdict.SLOWER ? "**slower**" : r.verdict().label();
            out.append(hosts ? "| " + r.host() + " " : "");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %s | %s | %s |%n", r.allocator(),
                    r.trace(), r.metric(), r.medianA(), r.medianB(), ratio(e), e.formatInterval(), verdict));
        }
        out.append('\n');
        appendNotes(out, "- ");
        return out.toString();
    }

    private void appendNotes(StringBuilder out, String bullet) {
        List<String> notes = new ArrayList<>();
        rows.stream().filter(r -> !r.estimate().note().isEmpty())
                .forEach(r -> notes.add(r.key() + ": " + r.estimate().note()));
        list(out, bullet, "Only in A", onlyInA);
        list(out, bullet, "Only in B", onlyInB);
        list(out, bullet, "Not compared", notCompared);
        list(out, bullet, "Notes", notes);
    }

    private static void list(StringBuilder out, String bullet, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.append(bullet.isEmpty() ? "\n" + title + ":\n" : title + ":\n\n");
        for (String item : items) {
            out.append(bullet.isEmpty() ? "  " : bullet).append(item).append('\n');
        }
        if (!bullet.isEmpty()) {
            out.append('\n');
        }
    }

    static String ratio(RatioEstimate e) {
        return Double.isNaN(e.ratio()) ? "-" : String.format(Locale.ROOT, "%.3f", e.ratio());
    }

    static String percent(double confidence) {
        double p = confidence * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
