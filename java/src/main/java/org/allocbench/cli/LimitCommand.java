package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.limit.AuditJournal;
import org.allocbench.limit.CgroupUnavailableException;
import org.allocbench.limit.LimitRunner;
import org.allocbench.limit.Trial;
import org.allocbench.limit.TrialOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench limit}: a workload under a memory limit, in a child process
 * in a fresh cgroup, journalled before it starts so that when the kernel kills
 * it the report can say what it was running (PostgreSQL's postmaster's way).
 */
@Command(name = "limit", mixinStandardHelpOptions = true,
        description = {"Runs a trace under a memory limit in a fresh cgroup (root, or a delegated cgroup) and reports",
            "a kill the way PostgreSQL's postmaster does, from an audit journal written before the trial began.",
            "With --smallest, bisects for the smallest limit the allocator survives."})
final class LimitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--memory", required = true, converter = ByteSize.class,
            description = "The memory limit (e.g. 100M): cgroup memory.max / memory.limit_in_bytes.")
    private long memory;

    @Option(names = "--trace", defaultValue = "malloc-large", description = "Built-in pattern (default: ${DEFAULT-VALUE}).")
    private String trace;

    @Option(names = "--allocator", defaultValue = "aset-native",
            description = "aset-native, aset-pg15, glibc, jemalloc, mimalloc or tcmalloc (default: ${DEFAULT-VALUE}).")
    private String allocator;

    @Option(names = "--ops", defaultValue = "20000", description = "Operations (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pattern (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--journal", defaultValue = "bench-results/limit-journal.jsonl",
            description = "The audit journal, appended to and fsynced (default: ${DEFAULT-VALUE}).")
    private Path journal;

    @Option(names = "--smallest", description = "Bisect between 1 MiB and --memory for the smallest surviving limit.")
    private boolean smallest;

    @Option(names = "--rlimit-as", description = "Where no cgroup can be made, confine the C child with RLIMIT_AS"
            + " instead (address space, not resident memory) rather than refusing.")
    private boolean rlimitFallback;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Trial.allocators().contains(allocator)) {
            err.println("allocbench limit: allocator \"" + allocator + "\" cannot run in a limit trial; choose one of "
                    + String.join(", ", Trial.allocators()));
            return 2;
        }
        LimitRunner runner = new LimitRunner(new AuditJournal(journal), out, rlimitFallback);
        try {
            if (smallest) {
                List<LimitRunner.Probe> probes = runner.smallestSurvivingLimit(allocator, trace, ops, seed, 1 << 20,
                        memory, 0.02);
                for (LimitRunner.Probe p : probes) {
                    out.printf("limit %s: %s%n", ByteSize.format(p.limitBytes()), describe(p.outcome()));
                }
                long best = LimitRunner.smallest(probes);
                out.println(best < 0 ? allocator + " x " + trace + " does not survive even " + ByteSize.format(memory)
                        : "smallest limit " + allocator + " x " + trace + " survives: " + best + " bytes ("
                                + best / (1 << 20) + " MiB), to within 2%");
                out.println("journal: " + journal);
                return best < 0 ? 1 : 0;
            }
            TrialOutcome o = runner.trial(allocator, trace, ops, seed, memory);
            out.println(describe(o));
            out.println("journal: " + journal);
            return o.survived() ? 0 : 1;
        } catch (CgroupUnavailableException | IllegalArgumentException e) {
            err.println("allocbench limit: " + e.getMessage());
            return 2;
        }
    }

    private static String describe(TrialOutcome o) {
        return switch (o.status()) {
            case TrialOutcome.COMPLETED -> "completed (peak " + o.peakBytes() + " bytes; the allocator held "
                    + o.allocatorHeldBytes() + ")";
            case TrialOutcome.KILLED -> "killed by signal " + o.signal() + (o.oomKill() ? " (OOM kill confirmed by"
                    + " the cgroup)" : " (not an OOM kill)") + " after " + o.opsDone() + " ops, peak " + o.peakBytes()
                    + " bytes, the allocator held " + o.allocatorHeldBytes() + " at its last report";
            default -> o.status() + ": " + o.message();
        };
    }
}
