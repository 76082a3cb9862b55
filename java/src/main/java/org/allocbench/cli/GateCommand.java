package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.owned.ParentWatch;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.ForkRuns;
import org.allocbench.stats.GateDecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench gate}: the CI performance gate.
 *
 * <p>With a jar as the baseline, the baseline and the candidate run in child
 * JVMs on this host, one fork each, alternating: pair 1 runs A then B, pair 2
 * B then A, and so on (A B B A A B ...). Each pair ran back to back, so the
 * host's slow drift cancels in the pair's ratio; alternating which side goes
 * first also cancels a steady trend within the pairs (with a fixed A-then-B
 * order, a machine that warms up or whose neighbours get busier over the job
 * would bias every pair the same way). Each child is
 * {@code java -jar JAR run --campaign C --out WORK/<side>-<i> --no-postgres --no-report} and
 * writes one run directory. The decision is {@link GateDecision#paired}: per
 * cell, the median of the pair ratios (not their geometric mean: a pair hit
 * by a neighbour's job is an outlier the median ignores) with the suite's
 * interval over pairs ({@link org.allocbench.stats.Bootstrap}); a cell fails
 * only when its whole interval lies above 1 + max-regression. With fewer than
 * 3 pairs there is no interval, so no verdict: {@code --forks} is at least 3.
 *
 * <p>With a run directory as the baseline, only the candidate's forks run, and
 * they are compared with the stored samples ({@link GateDecision#unpaired}),
 * which is weaker, and the output and the summary say so.
 *
 * <p>Exit codes: 0 pass, 1 regression (the message names the cells), 2 usage
 * or infrastructure errors (a child that failed, unreadable results).
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"CI performance gate: runs the baseline and the candidate interleaved on this host (A B B A ...,"
                + " one child JVM per fork) and fails only when a cell's whole confidence interval of the ratio"
                + " candidate/baseline lies above 1 + max-regression.",
                "Exit 0: pass; 1: regression (the cells are named); 2: usage or infrastructure error."})
final class GateCommand implements Callable<Integer> {

    /** JVM options every child gets (native access for FFM, JMH's Unsafe warning off). */
    static final List<String> CHILD_JVM_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    @Spec
    private CommandSpec spec;

    @Option(names = "--baseline", required = true, paramLabel = "JAR_OR_RUN",
            description = "The baseline: another build's allocbench jar (run interleaved with the candidate), or a"
                    + " stored run directory / results.json (not interleaved: weaker).")
    private Path baseline;

    @Option(names = "--candidate", paramLabel = "JAR",
            description = "The candidate jar (default: the allocbench running this command).")
    private Path candidate;

    @Option(names = "--max-regression", defaultValue = "5%", paramLabel = "PCT", converter = PercentConverter.class,
            description = "Largest slowdown tolerated, e.g. 5%% or 0.05 (default: ${DEFAULT-VALUE}).")
    private double maxRegression;

    @Option(names = "--forks", defaultValue = "10",
            description = "Forks per side (child JVMs each; at least 3) (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--campaign", defaultValue = "gate",
            description = "Campaign each fork runs (`allocbench run --campaign`) (default: ${DEFAULT-VALUE}).")
    private String campaign;

    @Option(names = "--summary", paramLabel = "FILE",
            description = "Write the Markdown summary to FILE (it is also appended to $GITHUB_STEP_SUMMARY when set).")
    private Path summary;

    @Option(names = "--work", paramLabel = "DIR",
            description = "Directory for the forks' run directories and logs (default: a new allocbench-gate-* temporary"
                    + " directory, kept).")
    private Path work;

    @Option(names = "--confidence", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    private double confidence;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--run-arg", paramLabel = "ARG",
            description = "Extra argument for every fork's `run` command (repeatable), e.g. --run-arg=--ops=20000.")
    private List<String> runArgs = new ArrayList<>();

    @Option(names = "--fork-timeout", defaultValue = "900", paramLabel = "SECONDS",
            description = "Longest a fork may take before the gate gives up (default: ${DEFAULT-VALUE}).")
    private long forkTimeout;

    /** Parses "5%", "0.05" or "5.5 %" into a fraction. */
    static final class PercentConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                return parsePercent(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage()); // its message, no class name
            }
        }
    }

    static double parsePercent(String value) {
        String v = value.trim();
        double fraction;
        try {
            if (v.endsWith("%")) {
                fraction = Double.parseDouble(v.substring(0, v.length() - 1).trim()) / 100;
            } else {
                fraction = Double.parseDouble(v);
                if (fraction >= 1) {
                    throw new IllegalArgumentException("\"" + value + "\" is ambiguous: write " + v + "% or a fraction"
                            + " below 1 such as 0.05");
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + value + "\" is not a percentage such as 5% or 0.05");
        }
        if (!(fraction >= 0) || fraction >= 10) {
            throw new IllegalArgumentException("\"" + value + "\": the tolerated regression must be at least 0%");
        }
        return fraction;
    }

    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        try {
            return gate();
        } catch (GateError e) {
            err.println("allocbench gate: " + e.getMessage());
            err.flush();
            return 2;
        } catch (RuntimeException | Error e) {
            // never let an unexpected error look like a regression (exit 1): infrastructure, exit 2
            Failures.report(err, "allocbench gate: ", e);
            return 2;
        }
    }

    /** An infrastructure or usage error: exit 2 with the message. */
    static final class GateError extends RuntimeException {
        GateError(String message) {
            super(message);
        }
    }

    private int gate() {
        if (forks < Bootstrap.MIN_FORKS) {
            throw new GateError("--forks must be at least " + Bootstrap.MIN_FORKS + " (forks are the independent unit"
                    + " of the interval; fewer give no verdict)");
        }
        Bootstrap bootstrap;
        try {
            bootstrap = new Bootstrap(confidence, Bootstrap.DEFAULT_RESAMPLES, seed);
        } catch (IllegalArgumentException e) {
            throw new GateError(e.getMessage());
        }
        if (!Files.exists(baseline)) {
            throw new GateError("--baseline " + baseline + ": no such file or directory");
        }
        boolean jarBaseline = Files.isRegularFile(baseline) && !baseline.getFileName().toString().endsWith(".json");
        List<String> candidateCommand = candidate == null ? selfCommand() : jarCommand(candidate, "--candidate");
        String candidateLabel = candidate == null ? describeSelf() : candidate.toString();
        RunResults storedBaseline = null;
        if (!jarBaseline) {
            try {
                storedBaseline = ResultsStore.read(baseline);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new GateError("--baseline " + e.getMessage());
            }
        }
        Path workDir = workDirectory();
        out.printf("allocbench gate: candidate %s vs baseline %s; campaign %s, %d forks per side, max regression %s%n",
                candidateLabel, baseline, campaign, forks, pct(maxRegression));
        if (!jarBaseline) {
            out.printf("NOT INTERLEAVED (weaker): the baseline is a stored run (%s); only the candidate runs now, and host"
                    + " drift between the two runs is not cancelled. Pass a jar as --baseline for an interleaved gate.%n",
                    storedBaseline.run() == null ? "?" : storedBaseline.run().started());
            if (storedBaseline.run() != null && !campaign.equals(storedBaseline.run().campaign())) {
                out.printf("warning: the baseline run's campaign is %s, this gate runs %s%n", storedBaseline.run().campaign(),
                        campaign);
            }
        }
        if (forks < 6) {
            out.printf("warning: with %d forks per side the interval is about the range of the pair ratios: one"
                    + " disturbed stretch of the host can decide the gate (10 or more recommended)%n", forks);
        }
        out.printf("work directory: %s%n%n", workDir);
        out.flush();

        List<String> baselineCommand = jarBaseline ? jarCommand(baseline, "--baseline") : null;
        List<RunResults> a = new ArrayList<>();
        List<RunResults> b = new ArrayList<>();
        int total = jarBaseline ? 2 * forks : forks;
        long started = System.nanoTime();
        int done = 0;
        for (int i = 1; i <= forks; i++) {
            // alternate which side goes first: A B, B A, A B, ... (see the class comment)
            boolean baselineFirst = !jarBaseline || i % 2 == 1;
            for (int step = 0; step < (jarBaseline ? 2 : 1); step++) {
                boolean isBaseline = jarBaseline && (step == 0) == baselineFirst;
                String side = isBaseline ? "A" : "B";
                progress(done, total, started, (isBaseline ? "baseline" : "candidate") + " fork " + i + " of " + forks);
                RunResults r = runFork(isBaseline ? baselineCommand : candidateCommand, workDir.resolve(side + "-" + i));
                (isBaseline ? a : b).add(r);
                done++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf("all %d forks done in %.0f s%n", total, seconds);
        err.flush();

        GateDecision decision = jarBaseline ? GateDecision.paired(a, b, maxRegression, bootstrap)
                : GateDecision.unpaired(storedBaseline, b, maxRegression, bootstrap);
        writeCombined(workDir, "candidate", b, bootstrap);
        if (jarBaseline) {
            writeCombined(workDir, "baseline", a, bootstrap);
        }
        out.println();
        out.print(decision.table());
        out.println();
        out.println(decision.message());
        out.printf("(%d forks in %.0f s; combined runs and logs in %s)%n", total, seconds, workDir);
        out.flush();

        String markdown = decision.markdown(baseline.toString(), candidateLabel, campaign);
        writeSummary(workDir.resolve("summary.md"), markdown, false);
        if (summary != null) {
            writeSummary(summary, markdown, false);
        }
        String stepSummary = System.getenv("GITHUB_STEP_SUMMARY");
        if (stepSummary != null && !stepSummary.isBlank()) {
            writeSummary(Path.of(stepSummary), markdown, true);
        }
        return decision.passed() ? 0 : 1;
    }

    private Path workDirectory() {
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
            throw new GateError("cannot create the work directory " + (work == null ? "" : work) + ": " + e.getMessage());
        }
    }

    /** Runs one fork: a child JVM writing one run directory under {@code dir}; returns its results. */
    private RunResults runFork(List<String> command, Path dir) {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("run", "--campaign", campaign, "--out", dir.toString(), "--no-postgres", "--no-report"));
        full.addAll(runArgs);
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        int exit;
        Path forkTmp = null;
        try {
            Files.createDirectories(dir);
            // the fork's temporary files in a directory of its own, removed when it ends (or after a kill)
            forkTmp = PrivateTemp.forChild();
            full.add(1, "-Djava.io.tmpdir=" + forkTmp);
            ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
            GlibcMalloc.environment(pb.environment());
            // a killed gate must not leave forks running for minutes (an older baseline jar ignores this)
            pb.environment().put(ParentWatch.ENV, "1");
            Process p = pb.start();
            if (!p.waitFor(forkTimeout, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new GateError("fork " + dir.getFileName() + " took more than " + forkTimeout + " s; log: " + log);
            }
            exit = p.exitValue();
        } catch (IOException e) {
            throw new GateError("cannot start " + String.join(" ", full) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GateError("interrupted");
        } finally {
            if (forkTmp != null) {
                PrivateTemp.delete(forkTmp); // an older baseline jar does not remove it itself
            }
        }
        if (exit != 0) {
            throw new GateError("fork " + dir.getFileName() + " failed (exit " + exit + "): " + String.join(" ", full)
                    + "\nlast lines of " + log + ":\n" + tail(log, 15) + hint(log));
        }
        Path results = findResults(dir);
        if (results == null) {
            throw new GateError("fork " + dir.getFileName() + " wrote no " + ResultsStore.RESULTS_FILE + " under " + dir
                    + " (command: " + String.join(" ", full) + "; log: " + log + ")");
        }
        try {
            RunResults r = ResultsStore.read(results);
            if (r.run() != null && r.run().status() != null && !RunInfo.COMPLETE.equals(r.run().status())) {
                throw new GateError("fork " + dir.getFileName() + ": run " + results.getParent() + " is "
                        + r.run().status() + ", not complete (log: " + log + ")");
            }
            return r;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new GateError("fork " + dir.getFileName() + ": " + e.getMessage());
        }
    }

    private static String hint(Path log) {
        String text = tail(log, 200);
        if (text.contains("Unknown option") && text.contains("--campaign")) {
            return "\n(that allocbench predates `run --campaign`: build the baseline from a commit with the campaign runner)";
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
                    .max(java.util.Comparator.comparing(p -> p.getParent().getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private void writeCombined(Path workDir, String side, List<RunResults> forkRuns, Bootstrap bootstrap) {
        try {
            RunInfo first = forkRuns.get(0).run();
            RunInfo info = first == null ? null
                    : new RunInfo(side, first.campaign(), RunInfo.COMPLETE, first.started(),
                            forkRuns.get(forkRuns.size() - 1).run().finished(), "allocbench gate (" + side + ", "
                                    + forkRuns.size() + " forks combined)", first.jar(), first.jarSha256(),
                            first.gitCommit(), first.version());
            Path dir = Files.createDirectories(workDir.resolve(side));
            ResultsStore.write(dir, ForkRuns.combine(forkRuns, info, bootstrap));
        } catch (IOException | RuntimeException e) {
            err.println("allocbench gate: warning: cannot write the combined " + side + " run: " + e.getMessage());
        }
    }

    private void writeSummary(Path file, String markdown, boolean append) {
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

    private void progress(int done, int total, long started, String what) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        String left = done == 0 ? "" : String.format(Locale.ROOT, ", ~%.0f s left", elapsed * (total - done) / done);
        err.printf("fork %d of %d: %s (%.0f s elapsed%s)%n", done + 1, total, what, elapsed, left);
        err.flush();
    }

    private static List<String> jarCommand(Path jar, String option) {
        if (!Files.isRegularFile(jar)) {
            throw new GateError(option + " " + jar + ": no such jar");
        }
        List<String> cmd = new ArrayList<>(javaPrefix());
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        return cmd;
    }

    /** This allocbench: its jar, or (running from classes) Main on the same class path. */
    static List<String> selfCommand() {
        Path location = selfLocation();
        List<String> cmd = new ArrayList<>(javaPrefix());
        if (location != null && Files.isRegularFile(location)) {
            cmd.add("-jar");
            cmd.add(location.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
        }
        return cmd;
    }

    private static String describeSelf() {
        Path location = selfLocation();
        return location != null && Files.isRegularFile(location) ? location.toString() : "this build (classes)";
    }

    private static Path selfLocation() {
        try {
            var source = GateCommand.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> javaPrefix() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(CHILD_JVM_OPTIONS);
        return cmd;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read: " + e.getMessage() + ")";
        }
    }

    private static String pct(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
