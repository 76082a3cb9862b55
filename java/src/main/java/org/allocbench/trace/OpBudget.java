package org.allocbench.trace;

import java.util.Locale;

/**
 * How many ops a trace may have in this JVM. A generated or parsed trace is
 * held whole on the heap (one 8-byte long per op), and while a generator's
 * array doubles it briefly holds the old and the new copy; a lane may add a
 * per-op buffer of its own. Asking for more than the heap can hold would end
 * in an OutOfMemoryError after the work began, so commands check op counts
 * against this bound up front and say what the bound is made of.
 */
public final class OpBudget {

    /**
     * Heap bytes one op may need at the peak: its 8-byte encoding in the old and
     * the doubled array of a growing generator (24), and 8 for a per-op buffer.
     */
    public static final long HEAP_BYTES_PER_OP = 32;

    /** The largest Java array the JVM allocates (a little under Integer.MAX_VALUE). */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private OpBudget() {
    }

    /** The most ops a trace may have in this JVM: its max heap / {@value #HEAP_BYTES_PER_OP} bytes. */
    public static int maxOps() {
        return (int) Math.min(MAX_ARRAY_LENGTH, Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_OP);
    }

    /**
     * Why {@code ops} is not a usable op count here, or null if it is. The
     * message names the bound and what it comes from.
     */
    public static String problem(long ops) {
        if (ops < 1) {
            return "must be at least 1, not " + ops;
        }
        int max = maxOps();
        if (ops > max) {
            long maxHeap = Runtime.getRuntime().maxMemory();
            return String.format(Locale.ROOT, "%,d ops do not fit in this JVM: at most %,d (its max heap of %.1f GiB"
                    + " / %d bytes per op held while a trace is generated and replayed); give fewer ops, or more heap"
                    + " with JAVA_TOOL_OPTIONS=-Xmx<size>", ops, max, maxHeap / (double) (1L << 30),
                    HEAP_BYTES_PER_OP);
        }
        return null;
    }

    /**
     * {@code ops}, if usable.
     *
     * @throws IllegalArgumentException with {@link #problem}'s message, prefixed by {@code what}
     */
    public static int check(String what, long ops) {
        String problem = problem(ops);
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem);
        }
        return (int) ops;
    }
}
