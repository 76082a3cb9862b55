package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.nativecore.MemoryContextRow;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.trace.Workload;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench stats --allocator A --trace T}: replays the trace through
 * one instance of A and prints, at the end of the trace and before the
 * delete, the memory context statistics in PostgreSQL's MemoryContextStats
 * format and as a pg_backend_memory_contexts-style table. aset-native's come
 * from the C library's own dump and context listing; the other AllocSets and
 * peers are one context whose counters are their {@code stats()} (a figure an
 * allocator cannot know is "?" in the dump and empty in the table).
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Replays a trace through one allocator and prints its memory context statistics at the end"
                + " (MemoryContextStats format and a pg_backend_memory_contexts-style table).")
final class StatsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--allocator", required = true, paramLabel = "NAME", description = "The allocator, e.g. aset-native.")
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
        if (names.isEmpty()) {
            spec.commandLine().getErr().println("allocbench stats: name a trace with --traces NAME (built-in: "
                    + String.join(", ", Pattern.names()) + ")");
            return 2;
        }
        // Everything is checked before the first trace replays: a bad second name prints no first table.
        PrintWriter err = spec.commandLine().getErr();
        AllocatorFactory factory;
        List<OpSequence> sequences = new ArrayList<>();
        List<String> traceNames = new ArrayList<>();
        try {
            factory = Allocators.byName(allocator);
            for (Workload w : traces.workloads(spec.commandLine().getParseResult().hasMatchedOption("--ops"))) {
                traceNames.add(w.name());
                sequences.add(w.load(ops, seed));
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
            int status = statsOf(factory, traceNames.get(i), sequences.get(i));
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    /** Replays one trace and prints its statistics; 0, or 1 if the replay failed. */
    private int statsOf(AllocatorFactory factory, String trace, OpSequence sequence) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf(Locale.ROOT, "allocbench stats: %s x %s, %,d ops, seed %d; at the end of the trace, before the"
                + " delete%n%n", factory.name(), trace, sequence.length(), seed);
        try (Allocator a = factory.create()) {
            new ReplayLoop(sequence).replay(a); // the counters before the end, as the format says
            List<String[]> rows = new ArrayList<>();
            out.println("MemoryContextStats:");
            if (a instanceof NativeAllocSetAllocator n) {
                out.print(n.dump());
                for (MemoryContextRow r : n.rows()) {
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
                rows.add(new String[] {factory.name(), "", "", "0", show(s.totalBytes(), ""), show(s.blocks(), ""),
                    show(s.freeBytes(), ""), show(s.freeChunks(), ""), show(s.usedBytes(), "")});
            }
            out.println();
            out.println("pg_backend_memory_contexts:");
            out.print(table(rows));
        } catch (RuntimeException e) {
            err.println("allocbench stats: the replay failed: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
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
