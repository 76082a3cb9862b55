package org.allocbench.trace;

import java.util.List;

/**
 * Where a version 2 trace's ops run (docs/trace-format.md#version-2): per op, its context and thread; the
 * context table; the expectations. A version 1 trace has none ({@link OpSequence#placement()} is null: every
 * op is thread 0, context 0).
 *
 * <pre>
 *   where[i]  bits  0..23  the op's context (a, z: where it allocates; r, f: the chunk's context;
 *                          R, c, d: the context reset, created or deleted)
 *             bits 24..31  the op's thread
 * </pre>
 *
 * The arrays are not copied: the reader and the generators build them once and nobody writes them after.
 *
 * @param threads      the header's thread count (1..256)
 * @param where        one word per op, as above
 * @param contexts     the context table, indexed by id: entry 0 is {@link ContextSpec#ROOT}, null for ids
 *                     never created; its length is the header's context count
 * @param expectations in trace order
 */
public record Placement(int threads, int[] where, ContextSpec[] contexts, List<Expectation> expectations) {

    /** The most contexts a version 2 trace may declare (2^24). */
    public static final int MAX_CONTEXTS = 1 << 24;
    /** The most threads a version 2 trace may declare. */
    public static final int MAX_THREADS = 256;

    private static final int CONTEXT_MASK = MAX_CONTEXTS - 1;
    private static final int THREAD_SHIFT = 24;

    public Placement {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ", not " + threads);
        }
        if (contexts.length < 1 || contexts.length > MAX_CONTEXTS) {
            throw new IllegalArgumentException("contexts must be 1.." + MAX_CONTEXTS + ", not " + contexts.length);
        }
        expectations = List.copyOf(expectations);
    }

    /** One op's placement word. */
    public static int encode(int context, int thread) {
        if (context < 0 || context >= MAX_CONTEXTS || thread < 0 || thread >= MAX_THREADS) {
            throw new IllegalArgumentException("cannot place an op in context " + context + " on thread " + thread);
        }
        return context | thread << THREAD_SHIFT;
    }

    /** Op {@code i}'s context. */
    public int context(int i) {
        return where[i] & CONTEXT_MASK;
    }

    /** Op {@code i}'s thread. */
    public int thread(int i) {
        return where[i] >>> THREAD_SHIFT;
    }

    /** The header's context count (ids 0 .. count-1). */
    public int contextCount() {
        return contexts.length;
    }
}
