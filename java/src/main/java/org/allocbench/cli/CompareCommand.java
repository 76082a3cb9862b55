package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.allocbench.fleet.FleetMerge;
import org.allocbench.fleet.FleetTables;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RunComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench compare RUN_A RUN_B}: per cell measured in both runs, the
 * ratio B/A of ns/op with a bootstrap confidence interval over forks and a
 * verdict: faster (whole interval below 1), slower (above 1) or no
 * difference. A cell with fewer than 3 forks on a side gets an interval over
 * the rounds within its JVMs, labelled so, and no verdict. Cells only one run has, and
 * cells that did not run on a side, are listed. Exit 0 when both runs could be
 * read, 2 otherwise (the message names the path).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares two runs: per cell, the ratio B/A with a bootstrap confidence interval and a verdict"
                + " (faster / slower / no difference).",
                "RUN_A and RUN_B are run directories (with results.json) or results.json files.",
                "The two runs were measured at different times: a host that drifted in between shows up as a"
                        + " difference. For a verdict on a change, use `allocbench gate` (interleaved forks).",
                "Runs merged from several hosts (allocbench merge, fleet) compare host by host. Given one such run"
                        + " alone, compare prints per trace each allocator's ratio per host side by side, the ranks"
                        + " per host and what huge pages buy on each."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_A", description = "The reference run (directory or results.json).")
    private Path runA;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RUN_B",
            description = "The run compared with it (none: RUN_A is a fleet run, its hosts are compared).")
    private Path runB;

    @Option(names = "--confidence", defaultValue = "0.95",
            description = "Confidence level of the intervals (default: ${DEFAULT-VALUE}).")
    private double confidence;

    @Option(names = "--resamples", defaultValue = "10000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    private int resamples;

    @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed: the same runs and seed give the same"
            + " intervals (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the comparison as Markdown to FILE.")
    private Path markdown;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Bootstrap bootstrap;
        try {
            bootstrap = new Bootstrap(confidence, resamples, seed);
        } catch (IllegalArgumentException e) {
            err.println("allocbench compare: " + e.getMessage());
            return 2;
        }
        String unwritable = markdown == null ? null : OutputPaths.fileProblem(markdown);
        if (unwritable != null) {
            err.println("allocbench compare: --markdown: " + unwritable);
            return 2;
        }
        RunResults a;
        RunResults b;
        try {
            a = read(runA, "RUN_A");
            b = runB == null ? null : read(runB, "RUN_B");
        } catch (IllegalArgumentException e) {
            err.println("allocbench compare: " + e.getMessage());
            return 2;
        }
        if (b == null) {
            return hosts(a, bootstrap, out, err);
        }
        String apart = noHostInCommon(a, b);
        if (apart != null) {
            err.println("allocbench compare: " + apart);
            return 2;
        }
        RunComparison comparison = RunComparison.of(a, b, bootstrap);
        out.printf("A: %s%nB: %s%n", describe(runA, a), describe(runB, b));
        out.printf("ratio B/A of ns/op (above 1: B is slower); intervals: %s bootstrap over forks, %,d resamples, seed %d"
                + " (fewer than 3 forks on a side: within-JVM, no verdict)%n%n", pct(confidence), resamples, seed);
        out.print(comparison.table());
        out.flush();
        if (markdown != null) {
            try {
                Files.writeString(markdown, comparison.markdown(runA.toString(), runB.toString()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("allocbench compare: error: " + Failures.cannot("write", markdown, e));
                return 1;
            }
        }
        return 0;
    }

    /** One fleet run: its hosts side by side. */
    private int hosts(RunResults a, Bootstrap bootstrap, PrintWriter out, PrintWriter err) {
        if (a.hosts().isEmpty()) {
            err.println("allocbench compare: RUN_B is missing: with one run, RUN_A must be a run merged from several"
                    + " hosts (allocbench merge, allocbench fleet); " + runA + " is a run of one host");
            return 2;
        }
        String text = FleetTables.text(a, bootstrap);
        out.printf("%s%n%n", describe(runA, a));
        out.print(text);
        out.flush();
        if (markdown != null) {
            try {
                Files.writeString(markdown, "## allocbench compare: hosts of " + runA + "\n\n```\n" + text + "```\n",
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("allocbench compare: error: " + Failures.cannot("write", markdown, e));
                return 1;
            }
        }
        return 0;
    }

    /**
     * Why no cell of the two runs can match, or null: a merged run's cells carry their host and a run of one
     * host's carry none, so comparing them would print an empty table and every cell as "only in" one run.
     */
    private String noHostInCommon(RunResults a, RunResults b) {
        if (a.hosts().isEmpty() == b.hosts().isEmpty()) {
            if (a.hosts().isEmpty() || a.hosts().stream().anyMatch(b.hosts()::contains)) {
                return null;
            }
            return "the fleet runs " + runA + " (hosts " + String.join(", ", a.hosts()) + ") and " + runB
                    + " (hosts " + String.join(", ", b.hosts()) + ") have no host in common: fleet runs compare"
                    + " host by host";
        }
        boolean aMerged = !a.hosts().isEmpty();
        Path merged = aMerged ? runA : runB;
        return (aMerged ? "RUN_A " : "RUN_B ") + merged + " is a run merged from several hosts ("
                + String.join(", ", (aMerged ? a : b).hosts()) + ") and " + (aMerged ? runB : runA)
                + " is a run of one host: no cell is in both; compare a host's own run, " + merged + "/"
                + FleetMerge.HOSTS_DIR + "/HOST/RUN_ID, or the fleet run alone";
    }

    private static RunResults read(Path path, String which) {
        try {
            return ResultsStore.read(path);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(which + " " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + " " + e.getMessage(), e);
        }
    }

    static String describe(Path path, RunResults r) {
        StringBuilder s = new StringBuilder(path.toString());
        if (r.run() != null) {
            s.append(" (");
            s.append(r.run().campaign() == null ? "?" : r.run().campaign()).append(", ");
            s.append(r.run().started() == null ? "?" : r.run().started());
            if (r.run().status() != null && !"complete".equals(r.run().status())) {
                s.append(", ").append(r.run().status());
            }
            s.append(")");
        }
        return s.toString();
    }

    private static String pct(double c) {
        double p = c * 100;
        return (p == Math.rint(p) ? String.format("%.0f", p) : String.format("%.1f", p)) + "%";
    }
}
