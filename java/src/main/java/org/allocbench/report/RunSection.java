package org.allocbench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.allocbench.results.RunInfo;
import org.allocbench.results.Settings;

/**
 * Which run this is and how it was measured (campaign, jar and commit, ops,
 * seed, rounds, forks, threads): what anyone repeating or comparing the run
 * must know first. Always present, even for a run with no cells yet.
 */
final class RunSection implements ReportSection {

    @Override
    public void writeTo(ReportPage page) {
        page.section("run", "Run");
        Map<String, Object> rows = new LinkedHashMap<>();
        RunInfo r = page.results().run();
        if (r != null) {
            rows.put("id", r.id());
            rows.put("campaign", r.campaign());
            rows.put("status", r.status());
            rows.put("started", r.started());
            rows.put("finished", r.finished());
            rows.put("command", r.command());
            rows.put("jar", r.jar());
            rows.put("jar SHA-256", r.jarSha256());
            rows.put("git commit", r.gitCommit());
            rows.put("version", r.version());
        }
        Settings s = page.results().settings();
        if (s != null) {
            rows.put("ops per trace", Numbers.count(s.ops()));
            rows.put("seed", s.seed());
            rows.put("warm-up rounds", s.warmupRounds());
            rows.put("measured rounds", s.rounds());
            rows.put("forks", s.forks());
            rows.put("threads", s.threads());
            rows.put("method", s.method());
        }
        Html.keyValueTable(page.body(), rows);
    }
}
