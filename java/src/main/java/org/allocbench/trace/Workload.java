package org.allocbench.trace;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One named workload a command replays: a built-in pattern (generated from ops and seed) or a trace file
 * (its own ops). Made only by {@link Workloads}, which reads and validates a file once, computing its size
 * and SHA-256 on the same pass, so a bad file fails before anything is timed and the digest recorded in
 * results.json is of exactly the bytes that were replayed.
 */
public final class Workload {

    private final String name;
    private final Pattern pattern;
    private final Path path;
    private final long size;
    private final String sha256;
    private final OpSequence ops;

    private Workload(String name, Pattern pattern, Path path, long size, String sha256, OpSequence ops) {
        this.name = name;
        this.pattern = pattern;
        this.path = path;
        this.size = size;
        this.sha256 = sha256;
        this.ops = ops;
    }

    static Workload builtin(Pattern pattern) {
        return new Workload(pattern.patternName(), pattern, null, 0, null, null);
    }

    static Workload file(Path absolute, long size, String sha256, OpSequence ops) {
        return new Workload(ops.name(), null, absolute, size, sha256, ops);
    }

    /** The cell's trace name: the built-in's name, or the file's ({@link TraceReader#sequenceName}). */
    public String name() {
        return name;
    }

    /** Whether this is a built-in pattern (else a file). */
    public boolean builtin() {
        return pattern != null;
    }

    /** The file's absolute path; null for a built-in. */
    public Path path() {
        return path;
    }

    /** The file's size in bytes; 0 for a built-in. */
    public long size() {
        return size;
    }

    /** The file's SHA-256, lower-case hex; null for a built-in. */
    public String sha256() {
        return sha256;
    }

    /**
     * What names this workload to {@link Workloads#resolve} in another process (a lane, a JMH fork, a
     * campaign.json read back): the built-in's name, or the file's absolute path.
     */
    public String spec() {
        return builtin() ? name : path.toString();
    }

    /**
     * The ops to replay: a built-in generates exactly {@code ops} ops from {@code seed}; a file gives its
     * own ops and ignores both (the trace is the file).
     */
    public OpSequence load(int ops, long seed) {
        return builtin() ? pattern.generate(ops, seed) : this.ops;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Workload w && name.equals(w.name) && pattern == w.pattern && Objects.equals(path, w.path)
                && Objects.equals(sha256, w.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, pattern, path, sha256);
    }

    @Override
    public String toString() {
        return builtin() ? name : name + " (" + path + ")";
    }
}
