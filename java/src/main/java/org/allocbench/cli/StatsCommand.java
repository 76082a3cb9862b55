package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.JavaAllocSetAllocator;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.alloc.Pg15AllocSetAllocator;
import org.allocbench.nativecore.MemoryContextRow;
import org.allocbench.replay.ExpectationCheck;
import org.allocbench.replay.TraceReplay;
import org.allocbench.replay.TreeReplayLoop;
import org.allocbench.trace.Workload;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.Placement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench stats --allocator A --traces T} (T: a built-in name, a
 * trace file of version 1 or 2, or a directory of them): replays the trace through one instance of A and prints, at the end of
 * the trace and before the delete, the memory context statistics in
 * PostgreSQL's MemoryContextStats format and as a pg_backend_memory_contexts-style
 * table. The AllocSets print their whole context tree (a version 2 trace's
 * contexts, one line each, indented by level): aset-native's and aset-pg15's
 * from the C library's own dump and context listing, aset-java's in the same
 * format from the Java tree. Other allocators are one context whose counters
 * are their {@code stats()} (a figure an allocator cannot know is "?" in the
 * dump and empty in the table). A version 2 trace replays in trace order (one
 * of the orders the format allows; every context's counters are the same in
 * all of them), and where it has expectations and the allocator has contexts,
 * whether the replay meets them is printed too.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Replays a trace through one allocator and prints its memory context statistics at the end"
                + " (MemoryContextStats format and a pg_backend_memory_contexts-style table).")
final class StatsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocator", defaultValue = "aset-native", paramLabel = "NAME",
            description = "The allocator (default: ${DEFAULT-VALUE}; aset-pg15 for PostgreSQL 15's figures).")
    private String allocator;

    @Mixin
    private final TraceOptions traces = TraceOptions.defaultDescribedAs("none; name at least one, e.g. small-churn");

    @Option(names = "--ops", defaultValue = "100000", converter = OpCount.class, description = "Operations (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        List<String> names = traces.names();
        PrintWriter err = spec.commandLine().getErr();
        if (names.isEmpty()) {
            err.println("allocbench stats: name a trace with --traces TRACE (a built-in: "
                    + String.join(", ", Pattern.names()) + "; a trace file; or a directory of them)");
            return 2;
        }
        // Everything is checked before the first trace replays: a bad second name prints no first table.
        AllocatorFactory factory;
        List<OpSequence> sequences = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        try {
            factory = Allocators.byName(allocator);
            for (Workload w : traces.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"))) {
                sequences.add(w.load(ops, seed));
                sources.add(w.builtin() ? "seed " + seed : "from " + w.path());
            }
        } catch (IllegalArgumentException e) {
            err.println("allocbench stats: " + e.getMessage());
            return 2;
        }
        if (!factory.availability().available()) {
            err.println("allocbench stats: " + factory.name() + " is unavailable here: "
                    + factory.availability().reason());
            return 2;
        }
        if (keepsNoStatistics(factory)) {
            err.println("allocbench stats: " + factory.name() + " keeps no PostgreSQL-style statistics (no blocks, free"
                    + " chunks or used bytes to report); choose an allocator that does, such as aset-native, aset-pg15"
                    + " or aset-java");
            return 2;
        }
        for (int i = 0; i < sequences.size(); i++) {
            if (i > 0) {
                spec.commandLine().getOut().println();
            }
            int status = statsOf(spec.commandLine().getOut(), err, factory, sequences.get(i), sources.get(i));
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    /**
     * Replays one trace and prints its statistics to {@code out} ({@code source} says where the trace came
     * from: "seed 42", "from FILE"); 0, or 1 if the replay failed (said on {@code err}).
     */
    static int statsOf(PrintWriter out, PrintWriter err, AllocatorFactory factory, OpSequence sequence,
            String source) {
        Placement placement = sequence.placement();
        String shape = placement == null ? "" : String.format(Locale.ROOT, " (version 2: %d contexts, %d thread%s%s)",
                placement.contextCount(), placement.threads(), placement.threads() == 1 ? "" : "s",
                placement.threads() == 1 ? "" : ", replayed in trace order");
        out.printf(Locale.ROOT, "allocbench stats: %s x %s, %,d ops, %s%s; at the end of the trace, before the"
                + " delete%n%n", factory.name(), sequence.name(), sequence.length(), source, shape);
        try (Allocator a = factory.create();
                TraceReplay loop = placement == null ? TraceReplay.of(sequence)
                        : TreeReplayLoop.inTraceOrder(sequence)) {
            loop.replay(a); // the counters before the end, as the format says
            List<String[]> rows = new ArrayList<>();
            out.println("MemoryContextStats:");
            String tree = treeDump(a);
            if (tree != null) {
                out.print(tree);
                for (MemoryContextRow r : treeRows(a)) {
                    rows.add(new String[] {r.name(), r.ident() == null ? "" : r.ident(),
                        r.parent() == null ? "" : r.parent(), Integer.toString(r.level()),
                        Long.toString(r.totalBytes()), Long.toString(r.totalBlocks()), Long.toString(r.freeBytes()),
                        Long.toString(r.freeChunks()), Long.toString(r.usedBytes())});
                }
            } else {
                AllocatorStats s = a.stats();
                out.print(dump(factory.name(), s));
                if (s.totalBytes().isEmpty() || s.blocks().isEmpty() || s.freeChunks().isEmpty()
                        || s.freeBytes().isEmpty() || s.usedBytes().isEmpty()) {
                    out.println("(? = a figure " + factory.name() + " does not keep)");
                }
                if (placement != null) {
                    out.println("(" + factory.name() + " has no contexts: the trace's " + placement.contextCount()
                            + " are emulated, and these counters are the whole instance's)");
                }
                rows.add(new String[] {factory.name(), "", "", "0", show(s.totalBytes(), ""), show(s.blocks(), ""),
                    show(s.freeBytes(), ""), show(s.freeChunks(), ""), show(s.usedBytes(), "")});
            }
            out.println();
            out.println("pg_backend_memory_contexts:");
            out.print(table(rows));
            loop.end(a);
        } catch (RuntimeException e) {
            err.println("allocbench stats: the replay failed: " + e.getMessage());
            return 1;
        }
        if (placement != null && !placement.expectations().isEmpty()) {
            try (Allocator a = factory.create()) {
                if (a.capabilities().contextTree() && a.capabilities().reportsStats()) {
                    int n = placement.expectations().size();
                    Optional<ExpectationCheck.Mismatch> m = ExpectationCheck.firstMismatch(sequence, a);
                    out.println();
                    out.println(m.isEmpty() ? "expectations: all " + n + " met"
                            : "expectations: " + n + ", not met: " + m.get().message());
                    if (m.isPresent() && !factory.name().equals("aset-pg15")) {
                        out.println("(a trace recorded from PostgreSQL 15 by record-pg has PostgreSQL 15's figures;"
                                + " " + factory.name() + " has PostgreSQL 16's chunk layout: --allocator aset-pg15"
                                + " has 15's)");
                    }
                }
            } catch (RuntimeException e) {
                err.println("allocbench stats: the expectation check failed: " + e.getMessage());
                return 1;
            }
        }
        out.flush();
        return 0;
    }

    /** The whole context tree's MemoryContextStats text, for the AllocSets; null for one without a tree. */
    private static String treeDump(Allocator a) {
        return switch (a) {
            case NativeAllocSetAllocator n -> n.dump();
            case Pg15AllocSetAllocator p -> p.dump();
            case JavaAllocSetAllocator j -> j.dump();
            default -> null;
        };
    }

    private static List<MemoryContextRow> treeRows(Allocator a) {
        return switch (a) {
            case NativeAllocSetAllocator n -> n.rows();
            case Pg15AllocSetAllocator p -> p.rows();
            case JavaAllocSetAllocator j -> j.rows();
            default -> List.of();
        };
    }

    /** Whether a fresh instance knows none of the counters (malloc and friends): nothing to print but "?". */
    private static boolean keepsNoStatistics(AllocatorFactory factory) {
        try (Allocator a = factory.create()) {
            return a.stats().equals(AllocatorStats.UNKNOWN);
        }
    }

    /** One context in MemoryContextStats' format, with its Grand total line. */
    static String dump(String name, AllocatorStats s) {
        String body = show(s.freeBytes(), "?") + " free (" + show(s.freeChunks(), "?") + " chunks); "
                + show(s.usedBytes(), "?") + " used";
        return name + ": " + show(s.totalBytes(), "?") + " total in " + show(s.blocks(), "?") + " blocks; " + body
                + "\nGrand total: " + show(s.totalBytes(), "?") + " bytes in " + show(s.blocks(), "?") + " blocks; "
                + body + "\n";
    }

    static String table(List<String[]> rows) {
        String[] header = {"name", "ident", "parent", "level", "total_bytes", "total_nblocks", "free_bytes",
            "free_chunks", "used_bytes"};
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = i < 3 ? String.format("%-" + width[i] + "s", r[i])
                        : String.format("%" + width[i] + "s", r[i]);
                line.append(i == 0 ? "" : " | ").append(cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == header) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < width.length; i++) {
                    rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
                }
                sb.append(rule).append('\n');
            }
        }
        return sb.toString();
    }

    private static String show(OptionalLong v, String unknown) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : unknown;
    }
}
