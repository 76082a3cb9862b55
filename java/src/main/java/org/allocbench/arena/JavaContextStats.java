package org.allocbench.arena;

import java.util.ArrayList;
import java.util.List;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.MemoryContextRow;

/**
 * What a {@link JavaAllocSet} tree reports, in the native core's words
 * ({@code native/src/stats.c}): PostgreSQL 17's MemoryContextStats text, one
 * line per context indented two spaces per level, at most {@code maxChildren}
 * children per parent and {@value #MAX_LEVEL} levels, the rest of a parent's
 * subtree summed into one "K more child contexts containing ..." line, then
 * the Grand total; and pg_backend_memory_contexts-style rows. Byte for byte
 * what {@code ab_stats_dump} and {@code ab_context_rows} print for the same
 * tree (a Java set has no identifier, so no ": IDENT" part).
 */
public final class JavaContextStats {

    /** PostgreSQL's default for how many children a dump lists per parent. */
    public static final int DEFAULT_MAX_CHILDREN = 100;
    /** The deepest level a dump prints (stats.c's STATS_MAX_LEVEL). */
    static final int MAX_LEVEL = 100;

    private JavaContextStats() {
    }

    /** The subtree's MemoryContextStats text, 100 children per parent. */
    public static String dump(JavaAllocSet root) {
        return dump(root, DEFAULT_MAX_CHILDREN);
    }

    /** The subtree's MemoryContextStats text, at most {@code maxChildren} children per parent. */
    public static String dump(JavaAllocSet root, int maxChildren) {
        if (maxChildren < 1) {
            throw new IllegalArgumentException("maxChildren must be at least 1, not " + maxChildren);
        }
        StringBuilder out = new StringBuilder();
        long[] totals = new long[4];
        dumpContext(out, root, 0, maxChildren, totals);
        out.append("Grand total: ").append(totals[0]).append(" bytes in ").append(totals[1]).append(" blocks; ")
                .append(totals[2]).append(" free (").append(totals[3]).append(" chunks); ")
                .append(totals[0] - totals[2]).append(" used\n");
        return out.toString();
    }

    /** One context's line and its children's (stats.c's dump_context; recursion is bounded by MAX_LEVEL). */
    private static void dumpContext(StringBuilder out, JavaAllocSet context, int level, int maxChildren,
            long[] totals) {
        MemoryContextCounters own = context.stats();
        add(totals, own);
        out.append("  ".repeat(level)).append(context.name()).append(": ");
        counters(out, own.totalBytes(), own.blocks(), own.freeBytes(), own.freeChunks());
        out.append('\n');
        JavaAllocSet child = context.firstChild();
        if (level < MAX_LEVEL) {
            for (int listed = 0; child != null && listed < maxChildren; child = child.nextSibling(), listed++) {
                dumpContext(out, child, level + 1, maxChildren, totals);
            }
        }
        if (child != null) {
            long[] rest = new long[4];
            int summarised = 0;
            for (JavaAllocSet c = child; c != null; c = c.nextSibling()) {
                summarised += sumSubtree(c, rest);
            }
            out.append("  ".repeat(level + 1)).append(summarised).append(" more child contexts containing ");
            counters(out, rest[0], rest[1], rest[2], rest[3]);
            out.append('\n');
            for (int i = 0; i < 4; i++) {
                totals[i] += rest[i];
            }
        }
    }

    /** Adds the counters of {@code top} and its descendants into {@code sums}; how many contexts that was. */
    private static int sumSubtree(JavaAllocSet top, long[] sums) {
        int count = 0;
        List<JavaAllocSet> stack = new ArrayList<>();
        stack.add(top);
        while (!stack.isEmpty()) {
            JavaAllocSet c = stack.removeLast();
            add(sums, c.stats());
            count++;
            for (JavaAllocSet k = c.firstChild(); k != null; k = k.nextSibling()) {
                stack.add(k);
            }
        }
        return count;
    }

    /** The subtree's rows, parents before children (depth first, children newest first), level 0 at the top. */
    public static List<MemoryContextRow> rows(JavaAllocSet root) {
        List<MemoryContextRow> rows = new ArrayList<>();
        addRows(rows, root, 0);
        return rows;
    }

    private static void addRows(List<MemoryContextRow> rows, JavaAllocSet context, int level) {
        // Iterative over siblings, recursive over depth: the same order as ab_context_rows' walk.
        JavaAllocSet parent = context.parent();
        rows.add(new MemoryContextRow(context.name(), null, parent == null ? null : parent.name(), level,
                context.stats()));
        for (JavaAllocSet c = context.firstChild(); c != null; c = c.nextSibling()) {
            addRows(rows, c, level + 1);
        }
    }

    private static void counters(StringBuilder out, long total, long blocks, long free, long freeChunks) {
        out.append(total).append(" total in ").append(blocks).append(" blocks; ").append(free).append(" free (")
                .append(freeChunks).append(" chunks); ").append(total - free).append(" used");
    }

    private static void add(long[] sums, MemoryContextCounters c) {
        sums[0] += c.totalBytes();
        sums[1] += c.blocks();
        sums[2] += c.freeBytes();
        sums[3] += c.freeChunks();
    }
}
