package org.allocbench.results;

import java.util.List;

/**
 * How the cells were measured: ops per trace, the generator seed, warm-up and
 * measured rounds per fork, process forks, replay threads, and the method
 * ("interleaved-rounds": every allocator once per round in one JVM, rounds
 * interleaved; "jmh": one JMH fork per cell). {@code traces} (schema 1.1):
 * where each trace came from, a built-in or a file with its path, size and
 * SHA-256; empty in older runs (every trace was a built-in then).
 */
public record Settings(int ops, long seed, int warmupRounds, int rounds, int forks, int threads, String method,
        List<TraceSource> traces) {

    public Settings {
        traces = RunResults.copyOf("settings.traces", traces);
    }

    /** Settings that record no trace sources (a run of built-ins only, or a test). */
    public Settings(int ops, long seed, int warmupRounds, int rounds, int forks, int threads, String method) {
        this(ops, seed, warmupRounds, rounds, forks, threads, method, List.of());
    }

    /** These settings with a trace's recorded source, or null if none is recorded. */
    public TraceSource source(String trace) {
        return traces.stream().filter(t -> trace.equals(t.name())).findFirst().orElse(null);
    }
}
