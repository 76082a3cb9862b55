package org.allocbench.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.fleet.FleetMerge;
import org.allocbench.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench merge [HOST=]RUN... -o FLEET_RUN}: one run of several hosts' runs of a campaign, the host a
 * dimension of every cell ({@link FleetMerge}), with its report. Exit 0 merged, 2 when the runs cannot be
 * merged (the message says why; nothing is written), 1 when writing failed.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merges runs of one campaign made on different hosts into one run whose cells carry the"
                + " host, copies each host's run directory under FLEET_RUN/hosts/HOST/, writes the fleet report"
                + " and prints the per-host tables.",
                "Runs of different campaigns, results schemas or settings are refused. A host is named by"
                        + " HOST=RUN, else by the hostname its run recorded."})
final class MergeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "[HOST=]RUN", description = "A host's run directory (or its"
            + " results.json), optionally named: alpha=bench-results/runs/2026-12-05T10-00-00Z-gate.")
    private List<String> runs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FLEET_RUN",
            description = "The merged run's directory: new, or empty.")
    private Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String unwritable = OutputPaths.directoryProblem(output);
        if (unwritable != null) {
            err.println("allocbench merge: -o: " + unwritable);
            return 2;
        }
        List<FleetMerge.HostRun> hostRuns = new ArrayList<>();
        for (String r : runs) {
            int eq = r.indexOf('=');
            if (eq == 0 || eq == r.length() - 1) { // "=RUN" or "HOST=": half of it is missing
                err.println("allocbench merge: " + r + ": " + (eq == 0 ? "no host name before '='"
                        : "no run after '='") + " (HOST=RUN, or RUN alone)");
                return 2;
            }
            hostRuns.add(eq > 0 ? new FleetMerge.HostRun(r.substring(0, eq), Path.of(r.substring(eq + 1)))
                    : new FleetMerge.HostRun(null, Path.of(r)));
        }
        RunResults merged;
        try {
            merged = FleetMerge.merge(hostRuns, List.of(), output, "allocbench merge " + String.join(" ", runs)
                    + " -o " + output);
        } catch (IllegalArgumentException e) {
            err.println("allocbench merge: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            err.println("allocbench merge: error: " + Failures.describe(e)); // with the system's reason
            return 1;
        }
        if (merged.run().jarSha256() == null) {
            err.println("allocbench merge: note: the hosts ran different allocbench jars (or recorded none):"
                    + " differences between hosts may come from the builds");
        }
        return FleetOutput.print(merged, output, "allocbench merge", out, err);
    }
}
