package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.alloc.Allocators;
import org.allocbench.campaign.Campaign;
import org.allocbench.campaign.CampaignFile;
import org.allocbench.campaign.CampaignRunner;
import org.allocbench.campaign.Progress;
import org.allocbench.results.ResultsStore;
import org.allocbench.trace.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench run}: a campaign into a new run directory. With no
 * arguments, the quick campaign (every allocator available here that frees, over the six
 * standard traces, whole-trace in C and per-op from Java, each lane in a
 * process of its own per fork, about two and a half minutes on two cores);
 * {@code --campaign gate|full|FILE} for the others. Prints per trace the
 * whole-trace ranking and the per-op view with each allocator's binding
 * price, the overall rankings, and the run directory.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a benchmark campaign and writes a run directory (results.json, exports/).",
            "With no options: the quick campaign, every available allocator that frees over the standard traces"
                    + " (small-churn, per-tuple-reset, array-agg, logrand, sort-tuples, large-chunks), whole-trace in C"
                    + " and per-op from Java, each lane in a process of its own, 3 forks."},
        footer = {"", "Campaigns: quick (default), gate (4 allocators x 3 traces, for CI), full (JMH, every"
                + " allocator x the 13 patterns, over an hour), or a campaign file (YAML or JSON; see"
                + " bench-results/README.md). Ctrl-C stops the run and keeps the finished cells (status"
                + " interrupted)."})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--campaign", defaultValue = "quick", paramLabel = "NAME|FILE",
            description = "quick, gate, full, scale (thread scaling: 1, 2, 4 ... up to 4x the CPUs replay threads per"
                    + " cell), real (the corpus of recorded traces: bench-results/campaigns/real.yaml), or a campaign"
                    + " file (.yaml, .yml, .json) (default: ${DEFAULT-VALUE}).")
    private String campaignName;

    @Option(names = "--allocators", split = ",", paramLabel = "NAME",
            description = "Allocators, comma-separated (default: the campaign's; quick: all that free single"
                    + " allocations, full: all).")
    private List<String> allocators;

    @Mixin
    private final TraceOptions traces = TraceOptions.defaultDescribedAs("the campaign's");

    @Option(names = "--out", paramLabel = "DIR",
            description = "Base directory of run directories (default: bench-results/runs).")
    private Path out;

    @Option(names = "--ops", converter = OpCount.class,
            description = "Operations per trace, every trace (interleaved campaigns).")
    private Integer ops;

    @Option(names = "--warmup", description = "Warm-up iterations of each trace per lane process, not recorded"
            + " (interleaved campaigns).")
    private Integer warmup;

    @Option(names = "--rounds", description = "Measured iterations of each trace per lane process (interleaved"
            + " campaigns).")
    private Integer rounds;

    @Option(names = "--seed", description = "Seed of the trace generators.")
    private Long seed;

    @Option(names = "--forks", description = "Processes per lane (interleaved campaigns): each lane runs once per fork"
            + " in a fresh process, forks interleaved across lanes in a rotating order.")
    private Integer forks;

    @Option(names = "--no-postgres", description = "Skip the pg15-real lane (a throwaway PostgreSQL 15 cluster).")
    private boolean noPostgres;

    @Option(names = "--no-report", description = "Skip the HTML report and the per-op latency recording"
            + " (results.json, the exports and the tables are written as always); the gate's forks use it.")
    private boolean noReport;

    @Option(names = "--progress", hidden = true, description = "tty, plain or none (default: tty on a terminal).")
    private String progressMode;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Campaign campaign;
        try {
            campaign = resolve();
        } catch (IllegalArgumentException e) {
            err.println("allocbench run: " + e.getMessage());
            err.flush();
            return 2;
        }
        Progress.Mode mode;
        try {
            mode = progressMode == null ? Progress.detect()
                    : Progress.Mode.valueOf(progressMode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("allocbench run: --progress must be tty, plain or none");
            return 2;
        }
        Path base = out == null ? ResultsStore.DEFAULT_BASE : out;
        String unwritable = OutputPaths.directoryProblem(base);
        if (unwritable != null) {
            err.println("allocbench run: --out: " + unwritable);
            return 2;
        }
        Progress progress = new Progress(System.err, mode);
        try {
            CampaignRunner.Outcome outcome = CampaignRunner.run(campaign, base, commandLine(), progress, stdout,
                    !noReport);
            for (CampaignRunner.Unwritten u : outcome.unwritten()) {
                err.println("allocbench run: results.json is complete, but " + u.what() + " could not be written: "
                        + Failures.describe(u.why()));
            }
            err.flush();
            return outcome.unwritten().isEmpty() ? 0 : 1;
        } catch (RuntimeException | Error e) {
            progress.clear();
            Failures.report(err, "allocbench run: ", e);
            return 1;
        }
    }

    /** Where the repository keeps its campaign files, which {@code --campaign NAME} finds by name. */
    static final String COMMITTED = "bench-results/campaigns";

    /**
     * {@code COMMITTED/NAME.yaml} in the working directory, else in the checkout the running jar was built in
     * (java/target/allocbench.jar, three levels down); null if neither has it.
     */
    static Path committedCampaign(String name) {
        Path here = Path.of(COMMITTED, name + ".yaml");
        if (Files.isRegularFile(here)) {
            return here;
        }
        try {
            Path jar = Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.toAbsolutePath().getParent();
            for (int up = 0; up < 2 && root != null; up++) {
                root = root.getParent();
            }
            Path there = root == null ? null : root.resolve(COMMITTED).resolve(name + ".yaml");
            return there != null && Files.isRegularFile(there) ? there : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null; // no checkout to look in: the caller says what is known
        }
    }

    /**
     * The campaign file {@code --campaign NAME|FILE} names, or null for a preset: a file by its path, else the
     * checkout's committed campaign of that name. IllegalArgumentException (a usage error) if there is neither.
     */
    static Path campaignFile(String campaignName) {
        if (Campaign.preset(campaignName) != null) {
            return null;
        }
        Path file = Path.of(campaignName);
        if (!Files.exists(file) && !campaignName.contains(".") && !campaignName.contains("/")) {
            file = committedCampaign(campaignName);
            if (file == null) {
                throw new IllegalArgumentException("--campaign: no preset or file \"" + campaignName
                        + "\" (presets: " + String.join(", ", Campaign.presetNames()) + "; the checkout's "
                        + COMMITTED + "/NAME.yaml by its name, e.g. real; or a .yaml/.json campaign file)");
            }
        }
        return file;
    }

    private Campaign resolve() {
        Path file = campaignFile(campaignName);
        Campaign c = file == null ? Campaign.preset(campaignName) : CampaignFile.read(file);
        if (allocators != null) {
            for (String a : allocators) {
                Allocators.byName(a);
            }
            c = c.withAllocators(allocators);
        }
        if (traces.given()) {
            c = c.withWorkloads(traces.workloads()); // files read and checked now, before any lane starts
        }
        boolean jmh = c.method().equals(Campaign.JMH);
        if (jmh && (ops != null || warmup != null || rounds != null || forks != null)) {
            throw new IllegalArgumentException("--ops, --warmup, --rounds and --forks apply to interleaved campaigns;"
                    + " campaign " + c.name() + " uses JMH (set jmh: {forks, warmupIterations, iterations, time} in a"
                    + " campaign file)");
        }
        if (ops != null) {
            String note = Workloads.opsIgnoredNote(c.workloadList());
            if (note != null) {
                spec.commandLine().getErr().println("allocbench run: " + note);
            }
            c = c.withOps(ops); // in range: OpCount checked it
        }
        if (warmup != null || rounds != null) {
            int w = warmup != null ? warmup : c.warmup();
            int r = rounds != null ? rounds : c.rounds();
            if (w < 0 || r < 1) {
                throw new IllegalArgumentException("--rounds must be at least 1, --warmup at least 0");
            }
            c = c.withRounds(w, r);
        }
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (forks != null) {
            if (forks < 1) {
                throw new IllegalArgumentException("--forks must be at least 1");
            }
            c = c.withForks(forks);
        }
        if (noPostgres) {
            c = c.withPostgres(false);
        }
        return c;
    }

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "allocbench" + (args.isEmpty() ? " run" : " " + String.join(" ", args));
    }
}
