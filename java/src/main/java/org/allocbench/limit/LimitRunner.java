package org.allocbench.limit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;

/**
 * Trials under a limit, and the bisection for the smallest limit a trial
 * survives. Each trial gets a fresh cgroup, removed afterwards whatever
 * happened; where no cgroup can be made, RLIMIT_AS is used only if the
 * caller allowed it, and the log says so.
 */
public final class LimitRunner {

    /** One probe of a bisection. */
    public record Probe(long limitBytes, TrialOutcome outcome) {
    }

    private final AuditJournal journal;
    private final PrintWriter log;
    private final boolean allowRlimitFallback;
    private int trials;

    public LimitRunner(AuditJournal journal, PrintWriter log, boolean allowRlimitFallback) {
        this.journal = journal;
        this.log = log;
        this.allowRlimitFallback = allowRlimitFallback;
    }

    /** Runs one trial of {@code allocator} on {@code trace} under {@code limitBytes}. */
    public TrialOutcome trial(String allocator, String trace, int ops, long seed, long limitBytes) {
        return trial(allocator, Workloads.builtin(trace), ops, seed, limitBytes, log);
    }

    /** Runs one trial of {@code allocator} on a workload (a built-in or a trace file) under {@code limitBytes}. */
    public TrialOutcome trial(String allocator, Workload trace, int ops, long seed, long limitBytes) {
        return trial(allocator, trace, ops, seed, limitBytes, log);
    }

    private TrialOutcome trial(String allocator, Workload trace, int ops, long seed, long limitBytes, PrintWriter out) {
        String id = "trial-" + ProcessHandle.current().pid() + "-" + (++trials);
        TrialSpec spec = new TrialSpec(id, allocator, trace.name(), ops, seed, limitBytes, trace);
        MemoryCgroup cgroup;
        try {
            cgroup = MemoryCgroup.create("allocbench-" + id, limitBytes);
        } catch (CgroupUnavailableException e) {
            if (!allowRlimitFallback) {
                throw new CgroupUnavailableException(e.getMessage() + ". The fallback that works without a cgroup:"
                        + " --rlimit-as (RLIMIT_AS on the C child: caps address space, not resident memory, so it"
                        + " is stricter than a memory limit and sees no page cache)");
            }
            log.println("no memory cgroup (" + e.getMessage() + "): confining the trial with RLIMIT_AS="
                    + limitBytes + " instead");
            return Trial.run(spec, null, limitBytes, journal, out);
        }
        try (cgroup) {
            return Trial.run(spec, cgroup, 0, journal, out);
        }
    }

    /**
     * The smallest limit (to within {@code precision}, a fraction) that the trial
     * survives, between {@code low} (expected to fail) and {@code high} (expected
     * to pass; if it fails, there is no answer and the probes say so).
     */
    public List<Probe> smallestSurvivingLimit(String allocator, String trace, int ops, long seed, long low, long high,
            double precision) {
        return smallestSurvivingLimit(allocator, Workloads.builtin(trace), ops, seed, low, high, precision);
    }

    /** As above, for a workload (a built-in or a trace file). */
    public List<Probe> smallestSurvivingLimit(String allocator, Workload trace, int ops, long seed, long low,
            long high, double precision) {
        // Probes are expected to be killed: their postmaster-style lines go only to the journal.
        PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
        List<Probe> probes = new ArrayList<>();
        TrialOutcome top = trial(allocator, trace, ops, seed, high, quiet);
        probes.add(new Probe(high, top));
        if (!top.survived()) {
            return probes;
        }
        long lo = low;
        long hi = high;
        while (hi - lo > Math.max(4096, (long) (hi * precision))) {
            long mid = lo + (hi - lo) / 2;
            TrialOutcome o = trial(allocator, trace, ops, seed, mid, quiet);
            probes.add(new Probe(mid, o));
            if (o.survived()) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return probes;
    }

    /** The smallest surviving limit among the probes, or -1. */
    public static long smallest(List<Probe> probes) {
        return probes.stream().filter(p -> p.outcome().survived()).mapToLong(Probe::limitBytes).min().orElse(-1);
    }
}
