package org.allocbench.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RatioEstimate;
import org.allocbench.stats.Ranking;

/**
 * What a merged run says across hosts, as data for the report and as text for {@code compare} and
 * {@code fleet}: per trace, each allocator's ratio to the view's reference on every host side by side
 * (ratios, not times: hosts differ in speed, and the question is whether the order of the allocators does);
 * per host, what huge pages buy (the AllocSet on a segment of 2 MiB or 1 GiB pages against 4 KiB pages);
 * and each allocator's overall rank per host.
 */
public final class FleetTables {

    /** One allocator's ratio per host (null where it did not run there). */
    public record Row(String allocator, List<RatioEstimate> ratios) {
    }

    /** One trace in one view: a row per allocator, a column per host. */
    public record TraceTable(String trace, Ranking.View view, List<String> hosts, List<Row> rows) {
    }

    /** One allocator's overall rank per host ("" where it was not ranked there). */
    public record RankRow(String allocator, List<String> ranks) {
    }

    /** A trace's AllocSet replay on huge pages against 4 KiB pages on one host. */
    public record HugePages(String host, String trace, String pages, double ratioTo4k) {
    }

    private FleetTables() {
    }

    /** The traces' tables of a view, in the run's trace order; a trace no host ranked is left out. */
    public static List<TraceTable> perTrace(RunResults merged, Ranking.View view, Bootstrap bootstrap) {
        List<String> hosts = merged.hosts();
        List<TraceTable> tables = new ArrayList<>();
        for (String trace : merged.traces()) {
            Map<String, RatioEstimate[]> byAllocator = new LinkedHashMap<>();
            for (int h = 0; h < hosts.size(); h++) {
                RunResults host = merged.onHost(hosts.get(h)).comparable();
                for (Ranking.Row r : Ranking.trace(host, trace, view, bootstrap)) {
                    byAllocator.computeIfAbsent(r.cell().allocator(), k -> new RatioEstimate[hosts.size()])[h] =
                            r.ratio();
                }
            }
            if (!byAllocator.isEmpty()) {
                List<Row> rows = new ArrayList<>();
                byAllocator.forEach((a, ratios) -> rows.add(new Row(a, java.util.Arrays.asList(ratios))));
                tables.add(new TraceTable(trace, view, hosts, rows));
            }
        }
        return tables;
    }

    /** Each allocator's overall rank in the view per host (geometric mean over the traces); empty if none. */
    public static List<RankRow> rankings(RunResults merged, Ranking.View view, Bootstrap bootstrap) {
        List<String> hosts = merged.hosts();
        Map<String, String[]> ranks = new LinkedHashMap<>();
        for (int h = 0; h < hosts.size(); h++) {
            for (Ranking.Standing s : Ranking.overall(merged.onHost(hosts.get(h)).comparable(), view, bootstrap)) {
                String[] row = ranks.computeIfAbsent(s.allocator(), k -> new String[hosts.size()]);
                row[h] = s.rank();
            }
        }
        List<RankRow> rows = new ArrayList<>();
        ranks.forEach((a, r) -> rows.add(new RankRow(a, java.util.Arrays.stream(r)
                .map(x -> x == null ? "" : x).toList())));
        return rows;
    }

    /** Per host and trace, each huge page size's AllocSet replay against 4 KiB pages; empty if none ran. */
    public static List<HugePages> hugePages(RunResults merged) {
        List<HugePages> rows = new ArrayList<>();
        String four = PerOpLanes.SEGMENT_PREFIX + "4k";
        for (String host : merged.hosts()) {
            RunResults run = merged.onHost(host).comparable();
            for (String trace : run.traces()) {
                Cell base = run.cell(four, trace, Cell.REPLAY);
                if (!usable(base)) {
                    continue;
                }
                for (Cell c : run.cells()) {
                    if (c.trace().equals(trace) && Cell.REPLAY.equals(c.metric()) && usable(c)
                            && c.allocator().startsWith(PerOpLanes.SEGMENT_PREFIX) && !c.allocator().equals(four)) {
                        rows.add(new HugePages(host, trace, c.allocator().substring(PerOpLanes.SEGMENT_PREFIX.length()),
                                c.median() / base.median()));
                    }
                }
            }
        }
        return rows;
    }

    private static boolean usable(Cell c) {
        return c != null && Cell.OK.equals(c.status()) && c.median() != null && c.median() > 0;
    }

    /** The hosts that did not run, with the reason, from the merged run's environment. */
    public static Map<String, String> notRun(RunResults merged) {
        Map<String, String> out = new LinkedHashMap<>();
        FleetMerge.hosts(merged).forEach((host, facts) -> {
            if (Cell.NOT_RUN.equals(facts.get("status"))) {
                out.put(host, String.valueOf(facts.get("reason")));
            }
        });
        return out;
    }

    /** All of it as plain text: what {@code compare FLEET_RUN} and {@code fleet} print. */
    public static String text(RunResults merged, Bootstrap bootstrap) {
        StringBuilder out = new StringBuilder();
        List<String> hosts = merged.hosts();
        out.append("hosts: ").append(hosts.isEmpty() ? "none ran" : String.join(", ", hosts)).append('\n');
        notRun(merged).forEach((h, why) -> out.append("not run: ").append(h).append(": ").append(why).append('\n'));
        for (Ranking.View view : Ranking.View.values()) {
            List<TraceTable> tables = perTrace(merged, view, bootstrap);
            if (tables.isEmpty()) {
                continue;
            }
            out.append('\n').append(view.title()).append(": ratio to ").append(view.reference())
                    .append(" on each host (below 1: faster), ")
                    .append(percent(bootstrap.confidence())).append(" interval\n");
            for (TraceTable t : tables) {
                List<String> header = new ArrayList<>(List.of(t.trace()));
                header.addAll(hosts);
                List<List<String>> lines = new ArrayList<>();
                lines.add(header);
                for (Row r : t.rows()) {
                    List<String> line = new ArrayList<>(List.of(r.allocator()));
                    r.ratios().forEach(e -> line.add(e == null ? "not run" : ratio(e)));
                    lines.add(line);
                }
                out.append(align(lines));
            }
            List<RankRow> ranks = rankings(merged, view, bootstrap);
            if (!ranks.isEmpty()) {
                List<String> header = new ArrayList<>(List.of("overall rank"));
                header.addAll(hosts);
                List<List<String>> lines = new ArrayList<>();
                lines.add(header);
                ranks.forEach(r -> {
                    List<String> line = new ArrayList<>(List.of(r.allocator()));
                    r.ranks().forEach(x -> line.add(x.isEmpty() ? "-" : x));
                    lines.add(line);
                });
                out.append(align(lines));
            }
        }
        List<HugePages> huge = hugePages(merged);
        out.append('\n');
        if (huge.isEmpty()) {
            out.append("huge pages: this campaign ran no AllocSet on a shared segment (" + PerOpLanes.SEGMENT_PREFIX
                    + "4k and a huge page size), so there is nothing to say per host\n");
        } else {
            out.append("huge pages: AllocSet replay on huge pages / on 4 KiB pages (below 1: huge pages help)\n");
            List<List<String>> lines = new ArrayList<>();
            lines.add(List.of("host", "trace", "pages", "ratio"));
            huge.forEach(h -> lines.add(List.of(h.host(), h.trace(), h.pages(),
                    String.format(Locale.ROOT, "%.3f", h.ratioTo4k()))));
            out.append(align(lines));
        }
        return out.toString();
    }

    /** "95%", "99.5%": the confidence level the intervals were computed at (compare --confidence). */
    private static String percent(double confidence) {
        double p = confidence * 100;
        return String.format(Locale.ROOT, p == Math.rint(p) ? "%.0f%%" : "%.1f%%", p);
    }

    /** "1.23 [1.10, 1.40]"; no interval: the ratio alone. */
    public static String ratio(RatioEstimate e) {
        if (Double.isNaN(e.ratio())) {
            return "-";
        }
        return e.hasInterval() ? String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", e.ratio(), e.low(), e.high())
                : String.format(Locale.ROOT, "%.2f", e.ratio());
    }

    /** Columns padded to their widest entry, the first left-aligned, the rest right-aligned. */
    private static String align(List<List<String>> lines) {
        int columns = lines.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> l : lines) {
            for (int i = 0; i < l.size(); i++) {
                width[i] = Math.max(width[i], l.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> l : lines) {
            for (int i = 0; i < l.size(); i++) {
                String cell = l.get(i);
                String pad = " ".repeat(width[i] - cell.length());
                out.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            out.append('\n');
        }
        return out.append('\n').toString();
    }
}
