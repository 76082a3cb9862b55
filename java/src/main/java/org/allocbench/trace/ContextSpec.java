package org.allocbench.trace;

/**
 * How a version 2 trace creates one context (its {@code c} line, docs/trace-format.md#version-2): the
 * parent's id, the AllocSet sizes and the name. Entry 0 of a trace's table is the root, which the replayer
 * creates itself ({@link #ROOT}); the table holds {@code null} for ids the trace never creates.
 */
public record ContextSpec(int parent, long minContextSize, long initBlockSize, long maxBlockSize, String name) {

    /** The root context: no parent (-1); its sizes are the replayer's (version 1's context), not the trace's. */
    public static final ContextSpec ROOT = new ContextSpec(-1, 0, 0, 0, "root");

    /** Whether this is the root entry. */
    public boolean isRoot() {
        return parent < 0;
    }
}
