package org.allocbench.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Capabilities;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * A version 2 trace's expectations (its {@code e} lines: what the recording
 * allocator reported for a context at a point) against a replay through an
 * allocator with real contexts (the AllocSets): the trace is replayed in trace
 * order ({@link TreeReplayLoop#inTraceOrder}, one of the orders the format
 * allows, with the same counters in all of them), and at each point where the
 * trace has an expectation every live context's counters are read. Never
 * timed: statistics walk every block.
 */
public final class ExpectationCheck {

    /**
     * Every live context's counters at one point.
     *
     * @param beforeOp the op the point precedes (the op count at the end), as {@link Expectation#beforeOp()}
     * @param counters by context id, in id order
     */
    public record Snapshot(int beforeOp, Map<Integer, AllocatorStats> counters) {
    }

    /** The first expectation the replay does not meet, with what the replay has instead. */
    public record Mismatch(Expectation expected, String contextName, AllocatorStats actual) {

        /** One line: where, what the trace expects, what the replay has. */
        public String message() {
            return String.format(Locale.ROOT, "before op %d, context %d (%s): the trace expects %d total in %d"
                    + " blocks; %d free (%d chunks); %d used, the replay has %s", expected.beforeOp(),
                    expected.context(), contextName, expected.totalBytes(), expected.blocks(), expected.freeBytes(),
                    expected.freeChunks(), expected.usedBytes(), actual);
        }
    }

    private ExpectationCheck() {
    }

    /**
     * Replays {@code ops} into {@code root} (a fresh instance; the caller closes it) and returns the first
     * expectation, in trace order, whose counters differ from the replay's; empty if all match.
     *
     * @throws IllegalArgumentException if {@code ops} is version 1 or the allocator has no contexts with counters
     */
    public static Optional<Mismatch> firstMismatch(OpSequence ops, Allocator root) {
        Placement placement = requireChecked(ops, root);
        List<Expectation> expected = placement.expectations();
        List<Snapshot> points = snapshots(ops, root);
        int p = 0;
        for (Expectation e : expected) {
            while (points.get(p).beforeOp() != e.beforeOp()) {
                p++;
            }
            AllocatorStats actual = points.get(p).counters().get(e.context());
            if (actual == null || !matches(e, actual)) {
                return Optional.of(new Mismatch(e, placement.contexts()[e.context()].name(),
                        actual == null ? AllocatorStats.UNKNOWN : actual));
            }
        }
        return Optional.empty();
    }

    /**
     * Replays {@code ops} into {@code root} (a fresh instance; the caller closes it) and reads every live
     * context's counters at each point the trace has expectations for (once per point, however many
     * expectations it has), in trace order.
     */
    public static List<Snapshot> snapshots(OpSequence ops, Allocator root) {
        Placement placement = requireChecked(ops, root);
        List<Expectation> expected = placement.expectations();
        List<Snapshot> points = new ArrayList<>();
        Liveness live = new Liveness(placement);
        try (TreeReplayLoop loop = TreeReplayLoop.inTraceOrder(ops)) {
            loop.begin(root);
            int e = 0;
            for (int i = 0, n = ops.length(); i <= n; i++) {
                if (e < expected.size() && expected.get(e).beforeOp() == i) {
                    points.add(snapshot(i, loop, live));
                    while (e < expected.size() && expected.get(e).beforeOp() == i) {
                        e++;
                    }
                }
                if (i < n) {
                    loop.step(i);
                    live.after(ops, i);
                }
            }
            loop.end(root);
        }
        return points;
    }

    private static Placement requireChecked(OpSequence ops, Allocator root) {
        Placement placement = ops.placement();
        if (placement == null) {
            throw new IllegalArgumentException("trace " + ops.name() + " is version 1: it has no expectations");
        }
        Capabilities c = root.capabilities();
        if (!c.contextTree() || !c.reportsStats()) {
            throw new IllegalArgumentException(root.name() + " has no contexts with counters to compare with the"
                    + " trace's expectations; use an AllocSet (aset-native, aset-pg15, aset-java)");
        }
        return placement;
    }

    private static Snapshot snapshot(int beforeOp, TreeReplayLoop loop, Liveness live) {
        Map<Integer, AllocatorStats> counters = new LinkedHashMap<>();
        for (int id = 0; id < live.alive.length; id++) {
            if (live.alive[id]) {
                counters.put(id, loop.context(id).stats());
            }
        }
        return new Snapshot(beforeOp, counters);
    }

    /** Whether {@code actual} has exactly the expectation's four counters. */
    public static boolean matches(Expectation e, AllocatorStats actual) {
        return actual.totalBytes().equals(java.util.OptionalLong.of(e.totalBytes()))
                && actual.blocks().equals(java.util.OptionalLong.of(e.blocks()))
                && actual.freeChunks().equals(java.util.OptionalLong.of(e.freeChunks()))
                && actual.freeBytes().equals(java.util.OptionalLong.of(e.freeBytes()));
    }

    /** Which contexts are live, following c, R and d (a reset kills the descendants, a delete the subtree). */
    private static final class Liveness {
        private final ContextSpec[] specs;
        private final boolean[] alive;
        private final List<List<Integer>> children = new ArrayList<>();

        Liveness(Placement placement) {
            this.specs = placement.contexts();
            this.alive = new boolean[placement.contextCount()];
            alive[0] = true;
            for (int id = 0; id < alive.length; id++) {
                children.add(null);
            }
        }

        void after(OpSequence ops, int i) {
            int context = ops.placement().context(i);
            switch (ops.kind(i)) {
                case OpSequence.CREATE -> {
                    alive[context] = true;
                    int parent = specs[context].parent();
                    if (children.get(parent) == null) {
                        children.set(parent, new ArrayList<>());
                    }
                    children.get(parent).add(context);
                }
                case OpSequence.RESET -> killChildren(context);
                case OpSequence.DELETE -> {
                    killChildren(context);
                    alive[context] = false;
                }
                default -> {
                }
            }
        }

        private void killChildren(int context) {
            List<Integer> kids = children.get(context);
            if (kids == null) {
                return;
            }
            children.set(context, null);
            for (int k : kids) {
                if (alive[k]) {
                    killChildren(k);
                    alive[k] = false;
                }
            }
        }
    }
}
