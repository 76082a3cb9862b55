package org.allocbench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.MemoryContextException;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgReplay;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * verify-pg {@code --context Generation|Slab}: each trace replayed once through PostgreSQL 15's own contexts of
 * that kind ({@code allocbench_replay_tree_kind}) and once through ours in PostgreSQL 15's build
 * (liballocbench-pg15.so, {@code ab_trace_replay2}), every context created as that kind; the counters are
 * compared before every {@code every}-th op (of the op's context; in a trace of several threads not those),
 * before each delete and at the end. A trace
 * the kind cannot replay (Slab: sizes that vary) is reported as not applicable, from our library's reason, and
 * the backend is not asked.
 */
final class VerifyPgKinds {

    /** The kinds verify-pg compares this way, as PostgreSQL names them. */
    static final List<String> KINDS = List.of("Generation", "Slab");
    /** A Slab context that never allocates: the chunk size our replay gives it too (allocbench.h). */
    private static final long SLAB_IDLE_CHUNK = 8;

    /** One trace: {@code checked} points compared, the first difference, or why the kind cannot replay it. */
    record Row(String trace, int ops, int checked, String difference, String notApplicable) {

        boolean identical() {
            return difference == null;
        }
    }

    private VerifyPgKinds() {
    }

    static Row check(PgCluster cluster, OpSequence trace, String kind, int every) {
        OpSequence tree = asTree(trace);
        NativeReplay.Lane lane = kind.equals("Slab") ? NativeReplay.Lane.SLAB : NativeReplay.Lane.GENERATION;
        try (NativeReplay.PreparedTrace ours = prepare(tree)) {
            try {
                ours.countersAt(lane, AllocSetSizes.DEFAULT, new long[0], new int[0]);
            } catch (MemoryContextException e) {
                if (e.kind() == MemoryContextException.Kind.NOT_APPLICABLE) {
                    return new Row(trace.name(), trace.length(), 0, null, e.getMessage());
                }
                throw e;
            }
            // several threads: our replay reads counters only where every thread waits (c, R, d, the end)
            int points = tree.placement().threads() > 1 ? 0 : every;
            List<Expectation> real = PgReplay.replayTreeKind(cluster.connection(), tree, kind, points,
                    slabChunkSizes(tree));
            long[] before = new long[real.size()];
            int[] contexts = new int[real.size()];
            for (int k = 0; k < real.size(); k++) {
                before[k] = real.get(k).beforeOp();
                contexts[k] = real.get(k).context();
            }
            MemoryContextCounters[] mine = ours.countersAt(lane, AllocSetSizes.DEFAULT, before, contexts);
            for (int k = 0; k < real.size(); k++) {
                Expectation e = real.get(k);
                MemoryContextCounters m = mine[k];
                if (m.totalBytes() != e.totalBytes() || m.blocks() != e.blocks() || m.freeChunks() != e.freeChunks()
                        || m.freeBytes() != e.freeBytes()) {
                    return new Row(trace.name(), trace.length(), k, String.format(Locale.ROOT, "before op %d,"
                            + " context %d: PostgreSQL has %d total in %d blocks, %d free (%d chunks); ours %d total"
                            + " in %d blocks, %d free (%d chunks)", e.beforeOp(), e.context(), e.totalBytes(),
                            e.blocks(), e.freeBytes(), e.freeChunks(), m.totalBytes(), m.blocks(), m.freeBytes(),
                            m.freeChunks()), null);
                }
            }
            return new Row(trace.name(), trace.length(), real.size(), null, null);
        }
    }

    /** A version 1 trace as a version 2 one of a single context (the root); a version 2 trace as it is. */
    static OpSequence asTree(OpSequence trace) {
        if (trace.placement() != null) {
            return trace;
        }
        return new OpSequence(trace.name(), trace.slots(), trace.encoded(),
                new Placement(1, new int[trace.length()], new ContextSpec[] {ContextSpec.ROOT}, List.of()));
    }

    /** Each context's Slab chunk size, as our replay picks it: the size of its first a or z (allocbench.h). */
    static long[] slabChunkSizes(OpSequence tree) {
        Placement p = tree.placement();
        long[] chunk = new long[p.contexts().length];
        for (int i = 0; i < tree.length(); i++) {
            byte k = tree.kind(i);
            if ((k == OpSequence.ALLOC || k == OpSequence.ALLOC_ZEROED) && chunk[p.context(i)] == 0) {
                chunk[p.context(i)] = tree.size(i);
            }
        }
        for (int c = 0; c < chunk.length; c++) {
            chunk[c] = chunk[c] == 0 ? SLAB_IDLE_CHUNK : chunk[c];
        }
        return chunk;
    }

    private static NativeReplay.PreparedTrace prepare(OpSequence tree) {
        Placement p = tree.placement();
        int n = p.contexts().length;
        int[] parents = new int[n];
        long[] sizes = new long[3 * n];
        String[] names = new String[n];
        for (int c = 0; c < n; c++) {
            ContextSpec spec = c == 0 ? null : p.contexts()[c];
            parents[c] = spec == null ? -1 : spec.parent();
            if (spec != null) {
                sizes[3 * c] = spec.minContextSize();
                sizes[3 * c + 1] = spec.initBlockSize();
                sizes[3 * c + 2] = spec.maxBlockSize();
                names[c] = spec.name();
            }
        }
        return NativeReplay.variant("pg15").prepareTree(tree.encoded(), tree.slots(), p.where(), p.threads(),
                parents, sizes, names);
    }

    /** The table, then each difference on a line of its own. */
    static String table(List<Row> rows, String kind) {
        StringBuilder out = new StringBuilder();
        String format = "%-28s %12s  %s%n";
        out.append(String.format(Locale.ROOT, format, "trace", "ops", kind + " counters vs PostgreSQL 15's"));
        List<String> differences = new ArrayList<>();
        for (Row r : rows) {
            String verdict = r.notApplicable() != null
                    ? "not applicable: " + r.notApplicable().replaceFirst("^not applicable to \\w+: ", "")
                    : r.identical() ? String.format(Locale.ROOT, "%,d counters identical", r.checked())
                    : "DIFFERENT after " + r.checked() + " identical (below)";
            out.append(String.format(Locale.ROOT, format, r.trace(), String.format(Locale.ROOT, "%,d", r.ops()),
                    verdict));
            if (!r.identical()) {
                differences.add(r.trace() + ": " + r.difference());
            }
        }
        differences.forEach(d -> out.append(d).append(System.lineSeparator()));
        return out.toString();
    }
}
