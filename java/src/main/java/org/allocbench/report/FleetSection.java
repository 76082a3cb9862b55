package org.allocbench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.fleet.FleetMerge;
import org.allocbench.results.Cell;
import org.allocbench.fleet.FleetTables;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RatioEstimate;
import org.allocbench.stats.Ranking;

/**
 * The report of a run merged from several hosts: the hosts (those that did not run, with the reason), per
 * trace each allocator's ratio to the reference on every host side by side, the overall ranks per host with a
 * chart of them across hosts, and what huge pages buy on each host. The per-host detail (times, memory,
 * latency) is in each host's own report, linked from the hosts table.
 */
final class FleetSection implements ReportSection {

    private static final String INTRODUCTION = "<p>Ratios, not times: each cell is the allocator's median over its"
            + " reference's on the same host and trace (below 1: faster), with a 95% bootstrap interval over forks."
            + " Hosts differ in speed; what matters is whether they agree on the order.</p>\n";

    @Override
    public void writeTo(ReportPage page) throws IOException {
        var all = page.allResults();
        List<String> hosts = all.hosts();
        Map<String, Map<String, Object>> facts = FleetMerge.hosts(all);
        page.section("hosts", "Hosts");
        List<DataTable.Column> columns = List.of(DataTable.Column.text("host"), DataTable.Column.text("status"),
                DataTable.Column.text("kernel"), DataTable.Column.text("CPUs"),
                DataTable.Column.text("huge page pools"), DataTable.Column.reason("its run, or why it did not run"));
        DataTable table = page.table(columns);
        facts.forEach((host, f) -> {
            Map<?, ?> e = f.get("environment") instanceof Map<?, ?> m ? m : Map.of();
            boolean ran = !Cell.NOT_RUN.equals(f.get("status"));
            String detail = ran ? link(page, f) : Html.esc(String.valueOf(f.get("reason")));
            table.row(ran ? null : "missing", Html.esc(host), Html.esc(String.valueOf(f.get("status"))),
                    Html.esc(fact(e, "kernel")), Html.esc(fact(e, "logicalCpus") + " x " + fact(e, "cpuModel")),
                    Html.esc(fact(e, "hugePagePools")), detail);
        });
        table.end();
        if (hosts.isEmpty()) {
            page.body().append("<p class=\"warning\">No host ran the campaign.</p>\n");
            return;
        }
        page.body().append(INTRODUCTION);
        for (Ranking.View view : Ranking.View.values()) {
            List<FleetTables.TraceTable> tables = FleetTables.perTrace(all, view, Bootstrap.DEFAULT);
            if (tables.isEmpty()) {
                continue;
            }
            page.subheading("fleet-" + view.name(), view.title() + ": ratio to " + view.reference() + " per host");
            for (FleetTables.TraceTable t : tables) {
                List<DataTable.Column> cols = new ArrayList<>(List.of(DataTable.Column.text(Html.esc(t.trace()))));
                hosts.forEach(h -> cols.add(DataTable.Column.num(Html.esc(h))));
                DataTable data = page.table(cols);
                for (FleetTables.Row r : t.rows()) {
                    List<Object> cells = new ArrayList<>(List.of(Html.esc(r.allocator())));
                    for (RatioEstimate e : r.ratios()) {
                        cells.add(e == null ? "not run" : Html.esc(FleetTables.ratio(e)));
                    }
                    data.row(view.reference().equals(r.allocator()) ? "base" : null, cells.toArray());
                }
                data.end();
            }
            List<FleetTables.RankRow> ranks = FleetTables.rankings(all, view, Bootstrap.DEFAULT);
            if (!ranks.isEmpty()) {
                page.figure(RankingChart.draw("Overall rank per host, " + view.title(), hosts, ranks),
                        "fleet-ranks-" + view.name(), "overall rank of each allocator on each host, " + view.title());
            }
        }
        hugePages(page);
    }

    private static void hugePages(ReportPage page) {
        List<FleetTables.HugePages> rows = FleetTables.hugePages(page.allResults());
        page.subheading("fleet-hugepages", "What huge pages buy, per host");
        if (rows.isEmpty()) {
            page.body().append("<p>This campaign ran no AllocSet on a shared segment of 4 KiB and huge pages, so"
                    + " there is nothing to say per host (<code>allocbench hugepages</code> measures it).</p>\n");
            return;
        }
        DataTable table = page.table(List.of(DataTable.Column.text("host"), DataTable.Column.text("trace"),
                DataTable.Column.text("pages"), DataTable.Column.num("time / on 4 KiB pages")));
        for (FleetTables.HugePages r : rows) {
            table.row(null, Html.esc(r.host()), Html.esc(r.trace()), Html.esc(r.pages()),
                    String.format(Locale.ROOT, "%.3f", r.ratioTo4k()));
        }
        table.end();
    }

    private static String fact(Map<?, ?> environment, String key) {
        Object v = environment.get(key);
        return v == null ? "-" : v.toString();
    }

    /** The host's own report if it has one, else its run directory's name. */
    private static String link(ReportPage page, Map<String, Object> facts) {
        Object dir = facts.get("directory");
        if (dir == null) {
            return "-";
        }
        String d = Html.esc(dir.toString());
        boolean report = java.nio.file.Files.isRegularFile(page.runDir().resolve(dir.toString())
                .resolve(RunReport.REPORT_FILE));
        return report ? "<a href=\"" + d + "/" + RunReport.REPORT_FILE + "\">" + d + "</a>" : d;
    }
}
