package org.allocbench.limit;

import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;

/**
 * What one trial runs: an allocator on a workload (a built-in shaped by ops and seed, or a trace file's own
 * ops) under a memory limit in bytes. {@code trace} is the workload's name, for records and messages.
 */
public record TrialSpec(String id, String allocator, String trace, int ops, long seed, long limitBytes,
        Workload workload) {

    /** A trial of the built-in trace {@code trace}. */
    public TrialSpec(String id, String allocator, String trace, int ops, long seed, long limitBytes) {
        this(id, allocator, trace, ops, seed, limitBytes, Workloads.builtin(trace));
    }
}
