package org.allocbench.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.replay.ExpectationCheck;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * verify-pg's version 2 traces (context trees): for each, two checks of our AllocSet, replayed per op in
 * trace order ({@link ExpectationCheck}):
 * <ul>
 * <li>against the backend: the trace replayed through PostgreSQL 15's own AllocSets
 * ({@code allocbench_replay_tree}), whose counters of every context just before its delete and at the end
 * become the expectations ours must meet;</li>
 * <li>against the recording: a trace recorded from a backend ({@code record-pg}) carries PostgreSQL's
 * counters from the recorded session itself ({@code e} lines); ours must meet those too.</li>
 * </ul>
 * Either way the first differing context and op is named.
 */
final class VerifyPgTrees {

    /**
     * One trace's outcome.
     *
     * @param backendChecked counters compared with the backend's replay
     * @param backend        the first difference from the backend's, if any
     * @param recordedChecked the trace's own expectations compared (0: it has none)
     * @param recorded       the first difference from them, if any
     */
    record Row(String trace, int ops, long contexts, int backendChecked, Optional<ExpectationCheck.Mismatch> backend,
            int recordedChecked, Optional<ExpectationCheck.Mismatch> recorded) {

        boolean identical() {
            return backend.isEmpty() && recorded.isEmpty();
        }
    }

    private VerifyPgTrees() {
    }

    /** Both checks of one trace; {@code real} are the backend's counters for it. */
    static Row check(OpSequence trace, List<Expectation> real, AllocatorFactory ours) {
        Placement p = trace.placement();
        OpSequence againstBackend = new OpSequence(trace.name(), trace.slots(), trace.encoded(),
                new Placement(p.threads(), p.where(), p.contexts(), real));
        Optional<ExpectationCheck.Mismatch> backend;
        try (Allocator root = ours.create()) {
            backend = ExpectationCheck.firstMismatch(againstBackend, root);
        }
        Optional<ExpectationCheck.Mismatch> recorded = Optional.empty();
        if (!p.expectations().isEmpty()) {
            try (Allocator root = ours.create()) {
                recorded = ExpectationCheck.firstMismatch(trace, root);
            }
        }
        return new Row(trace.name(), trace.length(), trace.count(OpSequence.CREATE), real.size(), backend,
                p.expectations().size(), recorded);
    }

    /** The table, then each difference on a line of its own. */
    static String table(List<Row> rows, String oursLabel) {
        StringBuilder out = new StringBuilder();
        String format = "%-28s %12s %9s  %-28s %-28s%n";
        out.append(String.format(Locale.ROOT, format, "trace", "ops", "contexts", "vs the backend's replay",
                "vs the recorded session"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, format, r.trace(), String.format(Locale.ROOT, "%,d", r.ops()),
                    String.format(Locale.ROOT, "%,d", r.contexts()), verdict(r.backendChecked(), r.backend()),
                    r.recordedChecked() == 0 ? "(no e lines)" : verdict(r.recordedChecked(), r.recorded())));
        }
        for (Row r : rows) {
            r.backend().ifPresent(m -> out.append(String.format(Locale.ROOT, "%s, %s vs the backend: %s%n",
                    r.trace(), oursLabel, m.message().replace("the trace expects", "PostgreSQL has"))));
            r.recorded().ifPresent(m -> out.append(String.format(Locale.ROOT, "%s, %s vs the recording: %s%n",
                    r.trace(), oursLabel, m.message().replace("the trace expects", "the recorded backend had"))));
        }
        return out.toString();
    }

    private static String verdict(int checked, Optional<ExpectationCheck.Mismatch> m) {
        return m.isEmpty() ? String.format(Locale.ROOT, "%,d counters identical", checked)
                : "DIFFERENT (below)";
    }
}
