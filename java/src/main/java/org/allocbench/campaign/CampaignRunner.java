package org.allocbench.campaign;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/**
 * Runs a campaign into a new run directory: {@code campaign.json} (the
 * resolved campaign, readable as a campaign file), {@code results.json}
 * rewritten after every lane process (so a crash keeps what finished), then
 * {@code exports/} and the report ({@code report.html}, {@code charts/}).
 * The lanes run in processes of their own, forks interleaved
 * ({@link InterleavedRunner}), or in JMH forks ({@link JmhRunner}).
 */
public final class CampaignRunner {

    /** Exit status of a run stopped by Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED_EXIT = 130;
    public static final String CAMPAIGN_FILE = "campaign.json";

    private CampaignRunner() {
    }

    /** An output besides results.json ("the report") that could not be written (a full disk), and why. */
    public record Unwritten(String what, Throwable why) {
    }

    /** What a finished run left: its directory, its results, and the outputs it could not write. */
    public record Outcome(Path directory, RunResults results, List<Unwritten> unwritten) {
    }

    /**
     * Runs {@code campaign} into a new run directory under {@code base}, then prints its tables to {@code out}.
     * {@code report}: also record per-op latencies and write the HTML report (a gate's fork needs neither).
     */
    public static Outcome run(Campaign campaign, Path base, String command, Progress progress, PrintWriter out,
            boolean report) {
        GlibcMalloc.pinThisProcess();
        Settings settings = new Settings(campaign.ops(), campaign.seed(), campaign.warmup(), campaign.rounds(),
                campaign.method().equals(Campaign.JMH) ? campaign.jmh().forks() : campaign.forks(), campaign.threads(),
                campaign.method().equals(Campaign.JMH) ? "jmh" : "interleaved-forks",
                TraceSources.of(campaign.workloadList()));
        RunRecorder recorder = startRun(base, campaign.name(), command, settings);
        Path dir = recorder.directory();
        writeCampaign(dir, campaign);
        recorder.putEnvironment("campaign", campaign.toFileMap());
        recorder.onInterrupt(() -> {
            progress.clear();
            System.err.printf("%ninterrupted: %d finished cells kept in %s%n", recorder.results().cells().size(),
                    dir);
            System.err.flush();
        });
        progress.note("allocbench run: campaign " + campaign.name() + ", writing " + dir);
        try {
            if (campaign.method().equals(Campaign.JMH)) {
                JmhRunner runner = new JmhRunner(campaign, dir, progress);
                progress.total(runner.units());
                runner.run(recorder::replaceCells);
                recorder.putEnvironment("allocatorNotes", runner.notes());
            } else {
                InterleavedRunner runner = new InterleavedRunner(campaign, progress);
                if (report) {
                    runner.recordLatency(dir);
                }
                progress.total(runner.units());
                runner.run(recorder::replaceCells);
                recorder.putEnvironment("allocatorNotes", runner.notes());
                recorder.putEnvironment("laneVersions", runner.versions());
            }
        } catch (RuntimeException | Error e) {
            progress.clear();
            recorder.finish(RunInfo.FAILED);
            throw e;
        }
        progress.clear();
        RunResults done = recorder.finish(RunInfo.COMPLETE);
        List<Unwritten> unwritten = new ArrayList<>();
        boolean exported = true;
        try {
            Exports.writeAll(dir, done);
        } catch (RuntimeException e) {
            exported = false;
            unwritten.add(new Unwritten("the exports", e));
        }
        String reportFile = report ? report(dir, unwritten) : null;
        Tables.print(out, done, campaign);
        out.printf("%nRun directory: %s (results.json%s%s; %.0f s)%n", dir, exported ? ", exports/" : "",
                reportFile == null ? "" : ", " + reportFile, progress.elapsedSeconds());
        out.flush();
        return new Outcome(dir, done, unwritten);
    }

    /**
     * A new run directory under {@code base} and its recorder, results.json written with status running, the
     * environment captured: how every command that writes a run begins.
     */
    static RunRecorder startRun(Path base, String name, String command, Settings settings) {
        Path dir = ResultsStore.newRunDirectory(base, name, Instant.now());
        Map<String, Object> env = Environment.capture();
        Map<String, Object> build = castMap(env.get("allocbench"));
        RunInfo info = new RunInfo(dir.getFileName().toString(), name, RunInfo.RUNNING, Instant.now().toString(),
                null, command, (String) build.get("jar"), (String) build.get("jarSha256"),
                (String) build.get("gitCommit"), (String) build.get("version"));
        return new RunRecorder(dir, RunResults.start(info, env, settings));
    }

    /**
     * The report of a finished run directory, its path relative to it; null if it could not be written, after
     * telling {@code problem} why.
     */
    public static String reportOf(Path dir, java.util.function.Consumer<String> problem) {
        List<Unwritten> unwritten = new ArrayList<>();
        String written = report(dir, unwritten);
        unwritten.forEach(u -> problem.accept(u.what() + " was not written: " + u.why().getMessage()));
        return written;
    }

    /** The HTML report and charts ({@link org.allocbench.report.RunReport}); a failure goes to {@code unwritten}. */
    static String report(Path dir, List<Unwritten> unwritten) {
        try {
            return dir.relativize(org.allocbench.report.RunReport.write(dir)).toString();
        } catch (IOException | RuntimeException | LinkageError e) {
            unwritten.add(new Unwritten("the report", e));
            return null;
        }
    }

    private static void writeCampaign(Path dir, Campaign campaign) {
        try {
            Files.writeString(dir.resolve(CAMPAIGN_FILE),
                    ResultsStore.json().writeValueAsString(campaign.toFileMap()) + System.lineSeparator());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(CAMPAIGN_FILE), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
