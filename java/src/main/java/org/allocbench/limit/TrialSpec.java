package org.allocbench.limit;

/** What one trial runs: an allocator on a built-in trace (ops, seed) under a memory limit in bytes. */
public record TrialSpec(String id, String allocator, String trace, int ops, long seed, long limitBytes) {
}
