package org.allocbench.campaign;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.allocbench.owned.JvmLauncher;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.ForkRuns;
import org.allocbench.stats.GateDecision;

/**
 * The CI performance gate's forks and decision ({@code allocbench gate}).
 *
 * <p>With a jar as the baseline, the baseline and the candidate run in child
 * JVMs on this host, one fork each, alternating: pair 1 runs A then B, pair 2
 * B then A, and so on (A B B A A B ...). Each pair ran back to back, so the
 * host's slow drift cancels in the pair's ratio; alternating which side goes
 * first also cancels a steady trend within the pairs (with a fixed A-then-B
 * order, a machine that warms up or whose neighbours get busier over the job
 * would bias every pair the same way). Each child is
 * {@code java -jar JAR run --campaign C --out WORK/<side>-<i> --no-postgres --no-report}
 * ({@link JvmLauncher}: a temporary directory of its own, and it exits if the
 * gate dies) and writes one run directory. The decision is
 * {@link GateDecision#paired}: per cell, the median of the pair ratios (not
 * their geometric mean: a pair hit by a neighbour's job is an outlier the
 * median ignores) with the suite's interval over pairs ({@link Bootstrap}); a
 * cell fails only when its whole interval lies above 1 + max-regression. With
 * fewer than {@value Bootstrap#MIN_FORKS} pairs there is no interval, so no
 * verdict.
 *
 * <p>With a run directory as the baseline, only the candidate's forks run, and
 * they are compared with the stored samples ({@link GateDecision#unpaired}),
 * which is weaker, and the summary says so.
 */
public final class GateRunner {

    /**
     * The combined runs' directories in the work directory: each side's forks as one run, readable by
     * {@code compare} and {@code export} (the CI workflow exports the candidate's for its dashboard).
     */
    public static final String CANDIDATE_RUN = "candidate";
    public static final String BASELINE_RUN = "baseline";

    /** Lines of a failed fork's log its message carries. */
    private static final int LOG_TAIL = 15;

    /** An infrastructure or usage error: the gate cannot decide (a child that failed, unreadable results). */
    public static final class GateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public GateException(String message) {
            super(message);
        }
    }

    /**
     * What the gate runs. {@code candidate}: a jar, or null for this build, whose main class is {@code self}
     * (the caller's: this package does not name the command line's class). {@code work}: the directory for the
     * forks, or null for a new temporary one.
     */
    public record Settings(Path baseline, Path candidate, Class<?> self, String campaign, int forks,
            double maxRegression, Bootstrap bootstrap, List<String> runArgs, long forkTimeoutSeconds, Path work) {
    }

    /** What a finished gate decided, how many forks it ran in how long, and where their runs are. */
    public record Outcome(GateDecision decision, int forks, double seconds, Path workDirectory) {
    }

    private final Settings settings;
    private final JvmLauncher candidate;
    private final String candidateLabel;
    /** The baseline jar's launcher; null when the baseline is a stored run. */
    private final JvmLauncher baselineJar;
    private final RunResults storedBaseline;
    private final Path workDirectory;

    private GateRunner(Settings settings, JvmLauncher candidate, String candidateLabel, JvmLauncher baselineJar,
            RunResults storedBaseline, Path workDirectory) {
        this.settings = settings;
        this.candidate = candidate;
        this.candidateLabel = candidateLabel;
        this.baselineJar = baselineJar;
        this.storedBaseline = storedBaseline;
        this.workDirectory = workDirectory;
    }

    /** Checks the baseline and the candidate, reads a stored baseline and makes the work directory. */
    public static GateRunner prepare(Settings s) {
        if (!Files.exists(s.baseline())) {
            throw new GateException("--baseline " + s.baseline() + ": no such file or directory");
        }
        boolean jarBaseline = Files.isRegularFile(s.baseline())
                && !s.baseline().getFileName().toString().endsWith(".json");
        JvmLauncher candidate = s.candidate() == null ? fork(JvmLauncher.self(s.self()))
                : jar(s.candidate(), "--candidate");
        String candidateLabel = s.candidate() == null ? JvmLauncher.describeSelf(s.self()) : s.candidate().toString();
        RunResults stored = null;
        if (!jarBaseline) {
            try {
                stored = ResultsStore.read(s.baseline());
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new GateException("--baseline " + e.getMessage());
            }
        }
        Path work = workDirectory(s.work());
        return new GateRunner(s, candidate, candidateLabel, jarBaseline ? jar(s.baseline(), "--baseline") : null,
                stored, work);
    }

    /** Whether the baseline runs beside the candidate (a jar), rather than being a stored run. */
    public boolean interleaved() {
        return baselineJar != null;
    }

    /** The candidate for people: its jar, or this build. */
    public String candidateLabel() {
        return candidateLabel;
    }

    /** The stored baseline run; null when the baseline is a jar. */
    public RunResults storedBaseline() {
        return storedBaseline;
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** Runs the forks (progress on {@code err}), decides, and writes the combined runs of each side. */
    public Outcome run(PrintWriter err) {
        int forks = settings.forks();
        List<RunResults> a = new ArrayList<>();
        List<RunResults> b = new ArrayList<>();
        int total = interleaved() ? 2 * forks : forks;
        long started = System.nanoTime();
        int done = 0;
        for (int i = 1; i <= forks; i++) {
            // alternate which side goes first: A B, B A, A B, ... (see the class comment)
            boolean baselineFirst = !interleaved() || i % 2 == 1;
            for (int step = 0; step < (interleaved() ? 2 : 1); step++) {
                boolean isBaseline = interleaved() && (step == 0) == baselineFirst;
                String side = isBaseline ? "A" : "B";
                progress(err, done, total, started, (isBaseline ? "baseline" : "candidate") + " fork " + i + " of "
                        + forks);
                RunResults r = runFork(isBaseline ? baselineJar : candidate, workDirectory.resolve(side + "-" + i));
                (isBaseline ? a : b).add(r);
                done++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf("all %d forks done in %.0f s%n", total, seconds);
        err.flush();

        GateDecision decision = interleaved()
                ? GateDecision.paired(a, b, settings.maxRegression(), settings.bootstrap())
                : GateDecision.unpaired(storedBaseline, b, settings.maxRegression(), settings.bootstrap());
        writeCombined(err, CANDIDATE_RUN, b);
        if (interleaved()) {
            writeCombined(err, BASELINE_RUN, a);
        }
        return new Outcome(decision, total, seconds, workDirectory);
    }

    /**
     * The Markdown summary: into the work directory, into {@code summary} if given, and appended to
     * {@code $GITHUB_STEP_SUMMARY} when that is set; a file that cannot be written is a warning on {@code err}.
     */
    public void writeSummaries(Outcome outcome, Path summary, PrintWriter err) {
        String markdown = outcome.decision().markdown(settings.baseline().toString(), candidateLabel,
                settings.campaign());
        writeSummary(err, workDirectory.resolve("summary.md"), markdown, false);
        if (summary != null) {
            writeSummary(err, summary, markdown, false);
        }
        String stepSummary = System.getenv("GITHUB_STEP_SUMMARY");
        if (stepSummary != null && !stepSummary.isBlank()) {
            writeSummary(err, Path.of(stepSummary), markdown, true);
        }
    }

    private static JvmLauncher jar(Path jar, String option) {
        if (!Files.isRegularFile(jar)) {
            throw new GateException(option + " " + jar + ": no such jar");
        }
        return fork(JvmLauncher.jar(jar));
    }

    /** A fork is an allocbench command: a temporary directory of its own, and it ends with the gate. */
    private static JvmLauncher fork(JvmLauncher allocbench) {
        return allocbench.withOwnTemporaryDirectory().exitingWithParent();
    }

    private static Path workDirectory(Path work) {
        try {
            if (work == null) {
                return Files.createTempDirectory("allocbench-gate-");
            }
            Files.createDirectories(work);
            try (Stream<Path> entries = Files.list(work)) {
                if (entries.findAny().isPresent()) {
                    // never mix two gates' forks: a fresh subdirectory of a used --work
                    return ResultsStore.newRunDirectory(work, "gate", Instant.now());
                }
            }
            return work;
        } catch (IOException | UncheckedIOException e) {
            throw new GateException("cannot create the work directory " + (work == null ? "" : work) + ": "
                    + e.getMessage());
        }
    }

    /** Runs one fork: a child JVM writing one run directory under {@code dir}; returns its results. */
    private RunResults runFork(JvmLauncher side, Path dir) {
        List<String> args = new ArrayList<>(List.of("run", "--campaign", settings.campaign(), "--out", dir.toString(),
                "--no-postgres", "--no-report"));
        args.addAll(settings.runArgs());
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GateException("cannot create " + dir + ": " + e.getMessage());
        }
        int exit;
        List<String> command;
        // the launcher gives the fork a temporary directory of its own, removed as it ends (an older baseline jar
        // does not remove it itself), and makes it exit if the gate is killed (an older baseline jar ignores that)
        try (JvmLauncher.Child child = side.start(args,
                builder -> builder.redirectErrorStream(true).redirectOutput(log.toFile()))) {
            command = child.command();
            if (!child.process().waitFor(settings.forkTimeoutSeconds(), TimeUnit.SECONDS)) {
                child.process().destroyForcibly();
                throw new GateException("fork " + dir.getFileName() + " took more than "
                        + settings.forkTimeoutSeconds() + " s; log: " + log);
            }
            exit = child.process().exitValue();
        } catch (IOException e) {
            throw new GateException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GateException("interrupted");
        }
        if (exit != 0) {
            throw new GateException("fork " + dir.getFileName() + " failed (exit " + exit + "): "
                    + String.join(" ", command) + "\nlast lines of " + log + ":\n" + tail(log, LOG_TAIL) + hint(log));
        }
        Path results = findResults(dir);
        if (results == null) {
            throw new GateException("fork " + dir.getFileName() + " wrote no " + ResultsStore.RESULTS_FILE + " under "
                    + dir + " (command: " + String.join(" ", command) + "; log: " + log + ")");
        }
        try {
            RunResults r = ResultsStore.read(results);
            if (r.run() != null && r.run().status() != null && !RunInfo.COMPLETE.equals(r.run().status())) {
                throw new GateException("fork " + dir.getFileName() + ": run " + results.getParent() + " is "
                        + r.run().status() + ", not complete (log: " + log + ")");
            }
            return r;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new GateException("fork " + dir.getFileName() + ": " + e.getMessage());
        }
    }

    private static String hint(Path log) {
        String text = tail(log, 200);
        if (text.contains("Unknown option") && text.contains("--campaign")) {
            return "\n(that allocbench predates `run --campaign`: build the baseline from a commit with the campaign"
                    + " runner)";
        }
        return "";
    }

    /** The results.json the fork wrote: {@code dir/results.json} or in the newest run directory under dir. */
    static Path findResults(Path dir) {
        Path direct = dir.resolve(ResultsStore.RESULTS_FILE);
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.resolve(ResultsStore.RESULTS_FILE)).filter(Files::isRegularFile)
                    .max(Comparator.comparing(p -> p.getParent().getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private void writeCombined(PrintWriter err, String side, List<RunResults> forkRuns) {
        try {
            RunInfo first = forkRuns.get(0).run();
            RunInfo info = first == null ? null
                    : new RunInfo(side, first.campaign(), RunInfo.COMPLETE, first.started(),
                            forkRuns.get(forkRuns.size() - 1).run().finished(), "allocbench gate (" + side + ", "
                                    + forkRuns.size() + " forks combined)", first.jar(), first.jarSha256(),
                            first.gitCommit(), first.version());
            Path dir = Files.createDirectories(workDirectory.resolve(side));
            ResultsStore.write(dir, ForkRuns.combine(forkRuns, info, settings.bootstrap()));
        } catch (IOException | RuntimeException e) {
            err.println("allocbench gate: warning: cannot write the combined " + side + " run: " + e.getMessage());
        }
    }

    private static void writeSummary(PrintWriter err, Path file, String markdown, boolean append) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (append) {
                Files.writeString(file, markdown, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } else {
                Files.writeString(file, markdown, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("allocbench gate: warning: cannot write the summary to " + file + ": " + e.getMessage());
        }
    }

    private static void progress(PrintWriter err, int done, int total, long started, String what) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        String left = done == 0 ? "" : String.format(Locale.ROOT, ", ~%.0f s left", elapsed * (total - done) / done);
        err.printf("fork %d of %d: %s (%.0f s elapsed%s)%n", done + 1, total, what, elapsed, left);
        err.flush();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read: " + e.getMessage() + ")";
        }
    }
}
