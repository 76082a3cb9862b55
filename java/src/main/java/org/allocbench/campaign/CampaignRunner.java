package org.allocbench.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/**
 * Runs a campaign into a new run directory: {@code campaign.json} (the
 * resolved campaign, readable as a campaign file), {@code results.json}
 * written after every finished cell, then {@code exports/} and the report
 * ({@code report.html}, {@code charts/}).
 * With {@code forks > 1} (interleaved method) the campaign runs in that many
 * child JVMs, one after another, each into {@code forks/fork-K/}; their cells
 * are merged (samples concatenated, {@code sampleForks} = K) after each fork.
 */
public final class CampaignRunner {

    /** Exit status of a run stopped by Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED_EXIT = 130;
    public static final String CAMPAIGN_FILE = "campaign.json";

    private CampaignRunner() {
    }

    /** What a finished run left: its directory and results. */
    public record Outcome(Path directory, RunResults results) {
    }

    /**
     * Runs {@code campaign} under {@code base}; {@code forkIndex}/{@code forkDir} non-null for a child JVM
     * of a multi-fork run (no tables, exports or report: the parent does those).
     */
    public static Outcome run(Campaign campaign, Path base, String command, Progress progress, PrintWriter out,
            Integer forkIndex, Path forkDir) {
        Path dir = forkDir != null ? createDirectories(forkDir)
                : ResultsStore.newRunDirectory(base, campaign.name(), Instant.now());
        writeCampaign(dir, campaign);
        Map<String, Object> env = Environment.capture();
        Map<String, Object> build = castMap(env.get("allocbench"));
        RunInfo info = new RunInfo(dir.getFileName().toString(), campaign.name(), RunInfo.RUNNING,
                Instant.now().toString(), null, command, (String) build.get("jar"), (String) build.get("jarSha256"),
                (String) build.get("gitCommit"), (String) build.get("version"));
        Settings settings = new Settings(campaign.ops(), campaign.seed(), campaign.warmup(), campaign.rounds(),
                campaign.method().equals(Campaign.JMH) ? campaign.jmh().forks() : campaign.forks(), campaign.threads(),
                campaign.method().equals(Campaign.JMH) ? "jmh" : "interleaved-rounds");
        RunRecorder recorder = new RunRecorder(dir, RunResults.start(info, env, settings));
        recorder.putEnvironment("campaign", campaign.toFileMap());
        recorder.onInterrupt(() -> {
            progress.clear();
            System.err.printf("%ninterrupted: %d finished cells kept in %s%n", recorder.results().cells().size(),
                    dir);
            System.err.flush();
        });
        if (forkDir == null) {
            progress.note("allocbench run: campaign " + campaign.name() + ", writing " + dir);
        }
        try {
            if (campaign.method().equals(Campaign.JMH)) {
                JmhRunner runner = new JmhRunner(campaign, dir, progress);
                progress.total(runner.units());
                runner.run(recorder::add);
                recorder.putEnvironment("allocatorNotes", runner.notes());
            } else if (campaign.forks() > 1 && forkIndex == null) {
                runForks(campaign, dir, progress, recorder);
            } else {
                InterleavedRunner runner = new InterleavedRunner(campaign, forkIndex == null ? 0 : forkIndex, progress)
                        .recordLatency(dir);
                progress.total(runner.units());
                runner.run(recorder::add);
                recorder.putEnvironment("allocatorNotes", runner.notes());
            }
        } catch (RuntimeException | Error e) {
            progress.clear();
            recorder.finish(RunInfo.FAILED);
            throw e;
        }
        progress.clear();
        RunResults done = recorder.finish(RunInfo.COMPLETE);
        if (forkDir == null) {
            Exports.writeAll(dir, done);
            String report = report(dir, progress);
            Tables.print(out, done, campaign);
            out.printf("%nRun directory: %s (results.json, exports/%s; %.0f s)%n", dir,
                    report == null ? "" : ", " + report, progress.elapsedSeconds());
            out.flush();
        }
        return new Outcome(dir, done);
    }

    /** The HTML report and charts ({@link org.allocbench.report.RunReport}); a failure is a warning, not a failed run. */
    static String report(Path dir, Progress progress) {
        try {
            return dir.relativize(org.allocbench.report.RunReport.write(dir)).toString();
        } catch (IOException | RuntimeException | LinkageError e) {
            progress.note("allocbench run: the report was not written: " + e);
            return null;
        }
    }

    private static void runForks(Campaign campaign, Path dir, Progress progress, RunRecorder recorder) {
        Map<String, Cell> merged = new LinkedHashMap<>();
        Map<String, Object> notes = new LinkedHashMap<>();
        for (int k = 0; k < campaign.forks(); k++) {
            Path forkDir = dir.resolve("forks").resolve("fork-" + k);
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.allocbench.cli.Main", "run",
                    "--campaign", dir.resolve(CAMPAIGN_FILE).toString(), "--fork-index", Integer.toString(k),
                    "--fork-dir", forkDir.toString(), "--progress", progress.mode().name().toLowerCase()));
            progress.note("fork " + (k + 1) + "/" + campaign.forks() + ": a child JVM runs the campaign");
            int exit;
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                exit = p.waitFor();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start fork " + k + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fork " + k + " ran", e);
            }
            if (!Files.exists(forkDir.resolve(ResultsStore.RESULTS_FILE))) {
                throw new IllegalStateException("fork " + k + " exited with status " + exit + " and wrote no results");
            }
            RunResults child = ResultsStore.read(forkDir);
            for (Cell c : child.cells()) {
                String key = c.allocator() + "\u0000" + c.trace() + "\u0000" + c.metric();
                merged.merge(key, c, CampaignRunner::mergeCells);
            }
            if (child.environment().get("allocatorNotes") instanceof Map<?, ?> m) {
                m.forEach((a, b) -> notes.put(a.toString(), b));
            }
            recorder.replaceCells(new ArrayList<>(merged.values()));
            recorder.putEnvironment("allocatorNotes", notes);
            if (exit != 0) {
                throw new IllegalStateException("fork " + k + " exited with status " + exit + " (its results so far"
                        + " are merged; see " + forkDir + ")");
            }
        }
    }

    static Cell mergeCells(Cell a, Cell b) {
        List<Double> samples = new ArrayList<>(a.samples());
        samples.addAll(b.samples());
        List<Integer> forks = new ArrayList<>(a.sampleForks());
        forks.addAll(b.sampleForks());
        String status = Cell.OK.equals(a.status()) && Cell.OK.equals(b.status()) ? Cell.OK
                : Cell.FAILED.equals(a.status()) || Cell.FAILED.equals(b.status()) ? Cell.FAILED : b.status();
        String reason = a.reason() != null ? a.reason() : b.reason();
        SampleStats.Summary s = Cell.OK.equals(status) ? SampleStats.summarise(samples, forks)
                : new SampleStats.Summary(null, null, null);
        List<String> files = new ArrayList<>(a.files());
        files.addAll(b.files());
        return new Cell(a.allocator(), a.trace(), a.metric(), a.unit(), status, reason, samples, forks, s.median(),
                s.ciLow(), s.ciHigh(), b.stats().isEmpty() ? a.stats() : b.stats(), files);
    }

    private static void writeCampaign(Path dir, Campaign campaign) {
        try {
            Files.writeString(dir.resolve(CAMPAIGN_FILE),
                    ResultsStore.json().writeValueAsString(campaign.toFileMap()) + System.lineSeparator());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(CAMPAIGN_FILE), e);
        }
    }

    private static Path createDirectories(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + p + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** For a child's stderr. */
    static PrintStream err() {
        return System.err;
    }
}
