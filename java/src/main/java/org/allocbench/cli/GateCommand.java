package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.allocbench.campaign.GateRunner;
import org.allocbench.campaign.GateRunner.GateException;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.GateDecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench gate}: the CI performance gate. Its options checked, it
 * runs {@link GateRunner} (the forks, interleaved A B B A ... with a jar as
 * the baseline, and the decision) and prints what it decided.
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
            description = "Directory for the forks' run directories and logs, and the combined runs DIR/"
                    + GateRunner.CANDIDATE_RUN + " and DIR/" + GateRunner.BASELINE_RUN + " (for compare and export)."
                    + " A DIR that is not empty gets a new subdirectory for them. Default: a new allocbench-gate-*"
                    + " temporary directory, kept.")
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
        } catch (GateException e) {
            err.println("allocbench gate: " + e.getMessage());
            err.flush();
            return 2;
        } catch (RuntimeException | Error e) {
            // never let an unexpected error look like a regression (exit 1): infrastructure, exit 2
            Failures.report(err, "allocbench gate: ", e);
            return 2;
        }
    }

    private int gate() {
        if (forks < Bootstrap.MIN_FORKS) {
            throw new GateException("--forks must be at least " + Bootstrap.MIN_FORKS + " (forks are the independent"
                    + " unit of the interval; fewer give no verdict)");
        }
        Bootstrap bootstrap;
        try {
            bootstrap = new Bootstrap(confidence, Bootstrap.DEFAULT_RESAMPLES, seed);
        } catch (IllegalArgumentException e) {
            throw new GateException(e.getMessage());
        }
        GateRunner gate = GateRunner.prepare(new GateRunner.Settings(baseline, candidate, Main.class, campaign, forks,
                maxRegression, bootstrap, runArgs, forkTimeout, work));
        out.printf("allocbench gate: candidate %s vs baseline %s; campaign %s, %d forks per side, max regression %s%n",
                gate.candidateLabel(), baseline, campaign, forks, pct(maxRegression));
        if (!gate.interleaved()) {
            RunResults stored = gate.storedBaseline();
            out.printf("NOT INTERLEAVED (weaker): the baseline is a stored run (%s); only the candidate runs now, and host"
                    + " drift between the two runs is not cancelled. Pass a jar as --baseline for an interleaved gate.%n",
                    stored.run() == null ? "?" : stored.run().started());
            if (stored.run() != null && !campaign.equals(stored.run().campaign())) {
                out.printf("warning: the baseline run's campaign is %s, this gate runs %s%n", stored.run().campaign(),
                        campaign);
            }
        }
        if (forks < 6) {
            out.printf("warning: with %d forks per side the interval is about the range of the pair ratios: one"
                    + " disturbed stretch of the host can decide the gate (10 or more recommended)%n", forks);
        }
        out.printf("work directory: %s%n%n", gate.workDirectory());
        out.flush();

        GateRunner.Outcome outcome = gate.run(err);
        GateDecision decision = outcome.decision();
        out.println();
        out.print(decision.table());
        out.println();
        out.println(decision.message());
        out.printf("(%d forks in %.0f s; combined runs and logs in %s)%n", outcome.forks(), outcome.seconds(),
                outcome.workDirectory());
        out.flush();
        gate.writeSummaries(outcome, summary, err);
        return decision.passed() ? 0 : 1;
    }

    private static String pct(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
