package org.allocbench.campaign;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.TraceReplay;
import org.allocbench.replay.TreeReplayLoop;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.DriftCheck;
import org.allocbench.stats.Ranking;
import org.allocbench.stats.Ranking.View;
import org.allocbench.stats.RatioEstimate;
import org.allocbench.trace.OpSequence;

/**
 * The terminal summary of a run. Per trace, two tables:
 * <ol>
 * <li><b>whole trace in C</b>: every native allocator replaying the trace in C,
 * in a process of its own, no FFM call per op; the allocator comparison,
 * ranked by the ratio of medians to {@value #C_REFERENCE}, with real
 * PostgreSQL 15 and the C floor under it;</li>
 * <li><b>per-op from Java</b>: every allocator called op by op through the
 * allocator interface, ranked by the ratio of medians to
 * {@value #REFERENCE}, with each allocator's <i>binding price</i> (its per-op
 * figure minus its own C lane's), and the per-op floors under it.</li>
 * </ol>
 * Every row has its minor page faults per iteration. Each floor is checked to
 * be below every allocator of its table; a cell where it is not is flagged
 * loudly. Allocators that skip frees (they cannot free single allocations,
 * so they do less work) are listed apart and never ranked. Then the overall
 * rankings (geometric mean of each allocator's ratios over the traces it
 * ran), the notes on allocators marked {@code *}, what did not run and why,
 * and aset-native's MemoryContextStats at the end of each trace.
 */
public final class Tables {

    public static final String REFERENCE = View.PER_OP.reference();
    public static final String C_REFERENCE = View.WHOLE_TRACE.reference();

    private Tables() {
    }

    public static void print(PrintWriter out, RunResults run, Campaign campaign) {
        if (run.threadCounts().size() > 1) { // a scaling run: the usual tables at one thread, then the scaling
            int fewest = run.threadCounts().get(0);
            out.printf("At %d thread%s:%n", fewest, fewest == 1 ? "" : "s");
            print(out, run.comparable(), campaign.withThreads(fewest));
            ScalingTables.print(out, run);
            out.flush();
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> notes = run.environment().get("allocatorNotes") instanceof Map<?, ?> m
                ? (Map<String, String>) m : Map.of();
        Map<String, String> notRun = new LinkedHashMap<>();
        List<String> traces = run.traces();
        out.print(header(campaign, traces.size()));
        for (String trace : traces) {
            OpSequence ops = campaign.sequence(trace);
            out.printf(Locale.ROOT, "%s: %,d ops (%,d alloc, %,d free, %,d realloc, %,d reset)%n", trace, ops.length(),
                    ops.count(OpSequence.ALLOC) + ops.count(OpSequence.ALLOC_ZEROED), ops.count(OpSequence.FREE),
                    ops.count(OpSequence.REALLOC), ops.count(OpSequence.RESET));
            wholeTraceTable(out, run, trace);
            perOpTable(out, run, trace, notes, campaign.threads());
            for (Cell c : run.cells()) {
                if (c.trace().equals(trace) && Cell.OK.equals(c.status()) && c.reason() != null) {
                    out.printf("     cut short: %s (%s)%n", c.key().label(), c.reason());
                }
                if (c.trace().equals(trace) && !Cell.OK.equals(c.status())) {
                    if (Cell.NOT_RUN.equals(c.status()) && notRunEverywhere(run, c)) {
                        notRun.putIfAbsent(c.allocator(), c.reason());
                    } else if (Cell.NOT_RUN.equals(c.status())) { // this trace only (e.g. its threads)
                        out.printf("     not run: %s (%s)%n", c.key().label(), c.reason());
                    } else {
                        out.printf("     failed: %s (%s)%n", c.key().label(), c.reason());
                    }
                }
            }
            out.println();
        }
        List<String> order = new ArrayList<>();
        if (traces.size() > 1) {
            order.addAll(overall(out, run, View.WHOLE_TRACE));
            order.addAll(overall(out, run, View.PER_OP));
        }
        driftAdvice(out, run, campaign);
        List<String> noted = new ArrayList<>(notes.keySet());
        noted.sort(Comparator.comparingInt(n -> order.contains(n) ? order.indexOf(n) : Integer.MAX_VALUE));
        for (String n : noted) {
            out.printf("* %s: %s%n", n, notes.get(n));
        }
        for (Map.Entry<String, String> e : notRun.entrySet()) {
            out.printf("not run: %s (%s)%n", e.getKey(), e.getValue());
        }
        if (!notes.isEmpty() || !notRun.isEmpty()) {
            out.println();
        }
        contextStats(out, run, traces, campaign);
        out.flush();
    }

    private static String header(Campaign campaign, int traces) {
        String how = Campaign.JMH.equals(campaign.method())
                ? String.format(Locale.ROOT, "per-op lanes in JMH, %d forks x %d x %s after %d warm-up iterations;"
                        + " whole-trace lanes in a process of their own per fork", campaign.jmh().forks(),
                        campaign.jmh().iterations(), campaign.jmh().time(), campaign.jmh().warmupIterations())
                : String.format(Locale.ROOT, "%d fork%s: every lane in a process of its own per fork, lanes in a"
                        + " rotating order; %d warm-up + %d measured iterations of each trace per process%s",
                        campaign.forks(), campaign.forks() == 1 ? "" : "s", campaign.warmup(), campaign.rounds(),
                        campaign.threads() > 1 ? ", " + campaign.threads() + " threads" : "");
        return String.format(Locale.ROOT, "allocbench run: campaign %s, %d allocators x %d traces; %s; seed %d;"
                + " JVM %s; glibc malloc pinned (mmap threshold %d MiB, trim threshold %d MiB)%n"
                + "ns/op: median of the forks' medians over iterations; 95%% CI: bootstrap over forks (~: fewer than 3"
                + " forks, an interval over iterations within one JVM: too narrow, no verdict); ratios: paired per"
                + " fork (both in the same slot of the rotation), median over forks, 95%% CI; rank n=: intervals"
                + " overlap, the data do not order them; faults: minor page faults per iteration (median)%n%n",
                campaign.name(), InterleavedRunner.allocators(campaign).size(), traces, how, campaign.seed(),
                Runtime.version(), GlibcMalloc.MMAP_THRESHOLD >> 20, GlibcMalloc.TRIM_THRESHOLD >> 20);
    }

    private static void wholeTraceTable(PrintWriter out, RunResults run, String trace) {
        View view = View.WHOLE_TRACE;
        List<Ranking.Row> ranked = rows(run, trace, view);
        List<Cell> lanes = ranked.stream().map(Ranking.Row::cell).toList();
        if (lanes.isEmpty()) {
            return;
        }
        out.printf("  whole trace in C, no FFM call per op, each allocator in a process of its own%n");
        out.printf("  %-4s %-24s %9s %17s %20s %10s%n", "rank", "lane", "ns/op", "95% CI",
                hasReference(ranked) ? "vs " + C_REFERENCE + " [95% CI]" : "", "faults/it");
        for (Ranking.Row r : ranked) {
            Cell c = r.cell();
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %20s %10s%s%n", r.rank(), c.allocator(), c.median(), ci(c),
                    ratio(r.ratio()), faults(c), drift(c));
        }
        List<Cell> others = new ArrayList<>();
        Optional.ofNullable(run.cell(InterleavedRunner.PG15_REAL, trace, Cell.WHOLE_TRACE)).filter(Tables::ok)
                .ifPresent(others::add);
        List<Cell> floors = cells(run, trace, Cell.WHOLE_TRACE_FLOOR);
        others.addAll(floors);
        for (Cell c : others) {
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %20s %10s   (%s)%s%n", "", c.allocator(), c.median(),
                    ci(c),
                    ratio(Ranking.toReference(run, c, view, Bootstrap.DEFAULT)), faults(c),
                    c.allocator().equals(InterleavedRunner.PG15_REAL)
                            ? "real PostgreSQL 15's AllocSet, timed in a warmed backend"
                            : "floor: the C loop, no allocator", drift(c));
        }
        List<Cell> checked = new ArrayList<>(lanes);
        others.stream().filter(c -> c.allocator().equals(InterleavedRunner.PG15_REAL)).forEach(checked::add);
        checkFloors(out, floors, checked);
    }

    /**
     * The per-op table. With threads, a per-op figure is wall time / (ops x threads) while the C lanes run on
     * one thread: no binding price is printed then.
     */
    private static void perOpTable(PrintWriter out, RunResults run, String trace, Map<String, String> notes,
            int threads) {
        View view = View.PER_OP;
        List<Cell> all = cells(run, trace, Cell.REPLAY);
        List<Cell> floors = cells(run, trace, Cell.FLOOR);
        if (all.isEmpty() && floors.isEmpty()) {
            return;
        }
        List<Ranking.Row> rankedRows = rows(run, trace, view);
        List<Cell> ranked = rankedRows.stream().map(Ranking.Row::cell).toList();
        List<Cell> skipping = all.stream().filter(c -> !view.ranks(c)).toList();
        out.printf("  per-op from Java, one FFM call per op; binding = per-op minus the same allocator's C lane%n");
        out.printf("  %-4s %-24s %9s %17s %20s %9s %10s%n", "rank", "allocator", "ns/op", "95% CI",
                hasReference(rankedRows) ? "vs " + REFERENCE + " [95% CI]" : "", "binding", "faults/it");
        for (Ranking.Row r : rankedRows) {
            Cell c = r.cell();
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %20s %9s %10s%s%n", r.rank(), name(c, notes), c.median(),
                    ci(c), ratio(r.ratio()), threads > 1 ? "-" : binding(run, c), faults(c), drift(c));
        }
        for (Cell c : floors) {
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %20s %9s %10s   (%s)%s%n", "", c.allocator(), c.median(),
                    ci(c), "", "", faults(c), c.allocator().equals(InterleavedRunner.FLOOR)
                            ? "floor: the Java loop, no allocator" : "floor: a no-op FFM downcall per op", drift(c));
        }
        if (!skipping.isEmpty()) {
            StringBuilder sb = new StringBuilder("  skip every free, so do less work (not ranked):");
            for (Cell c : skipping) {
                sb.append(String.format(Locale.ROOT, " %s %.1f ns/op;", c.allocator(), c.median()));
            }
            out.println(sb.substring(0, sb.length() - 1));
        }
        checkFloors(out, floors, ranked);
    }

    /**
     * The view's rows of a trace: ranked, with their ratios to the reference; or, where the reference did not
     * run, the view's cells fastest first, without rank or ratio.
     */
    private static List<Ranking.Row> rows(RunResults run, String trace, View view) {
        List<Ranking.Row> ranked = Ranking.trace(run, trace, view, Bootstrap.DEFAULT);
        return !ranked.isEmpty() ? ranked : cells(run, trace, view.metric()).stream().filter(view::ranks)
                .map(c -> new Ranking.Row(c, null, "")).toList();
    }

    private static boolean hasReference(List<Ranking.Row> rows) {
        return !rows.isEmpty() && rows.get(0).ratio() != null;
    }

    /**
     * Flags loudly every cell a floor is not below: the floor is then not a floor there. The binding floor
     * (a no-op downcall per op) is a floor only for the lanes that call native code per op.
     */
    private static void checkFloors(PrintWriter out, List<Cell> floors, List<Cell> allocators) {
        for (Cell floor : floors) {
            boolean binding = floor.allocator().equals(InterleavedRunner.DOWNCALL_FLOOR);
            for (Cell c : allocators) {
                if (binding && !PerOpLanes.callsNativePerOp(c.allocator())) {
                    continue;
                }
                if (c.median() <= floor.median()) {
                    out.printf(Locale.ROOT, "  !! FLOOR NOT BELOW: %s (%.1f ns/op) is not below %s (%.1f ns/op) on"
                            + " this trace: read that row with care%n", floor.allocator(), floor.median(),
                            c.allocator(), c.median());
                }
            }
        }
    }

    /** Per-op minus the allocator's own C lane, or "-" where it has none. */
    private static String binding(RunResults run, Cell perOp) {
        return WholeTraceLane.ofPerOp(perOp.allocator())
                .map(l -> run.cell(l.laneName(), perOp.trace(), Cell.WHOLE_TRACE))
                .filter(Tables::ok)
                .map(c -> String.format(Locale.ROOT, "%+.1f", perOp.median() - c.median()))
                .orElse("-");
    }

    /** Whether every cell of {@code c}'s lane and metric is not run for the same reason (listed once, at the end). */
    private static boolean notRunEverywhere(RunResults run, Cell c) {
        return run.cells().stream().filter(o -> o.allocator().equals(c.allocator()) && o.metric().equals(c.metric()))
                .allMatch(o -> Cell.NOT_RUN.equals(o.status()) && java.util.Objects.equals(o.reason(), c.reason()));
    }

    private static List<String> overall(PrintWriter out, RunResults run, View view) {
        List<Ranking.Standing> standings = Ranking.overall(run, view, Bootstrap.DEFAULT);
        if (standings.isEmpty()) {
            return List.of();
        }
        out.printf("Overall, %s: geometric mean of the paired ratios to %s over the traces each ran; interval:"
                + " forks drawn jointly for all traces%n", view.title(), view.reference());
        out.printf("%-4s %-28s %20s %7s%n", "rank", "allocator", "geomean [95% CI]", "traces");
        for (Ranking.Standing s : standings) {
            out.printf(Locale.ROOT, "%-4s %-28s %20s %7d%n", s.rank(), s.allocator(), ratio(s.geomean()), s.traces());
        }
        out.println();
        return standings.stream().map(Ranking.Standing::allocator).toList();
    }

    private static void contextStats(PrintWriter out, RunResults run, List<String> traces, Campaign campaign) {
        boolean ranReference = run.cells().stream().anyMatch(c -> c.allocator().equals(REFERENCE) && ok(c));
        if (!ranReference) {
            return;
        }
        out.printf("Memory context statistics of %s at the end of each trace, before the final delete:%n", REFERENCE);
        for (String trace : traces) {
            OpSequence ops = campaign.sequence(trace);
            // trace order for a version 2 trace: every order the format allows gives the same counters
            try (TraceReplay loop = ops.placement() == null ? TraceReplay.of(ops) : TreeReplayLoop.inTraceOrder(ops);
                    NativeAllocSetAllocator aset = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
                loop.replay(aset);
                out.printf("%s:%n%s", trace, aset.dump().indent(2));
            }
        }
    }

    /** ok cells of trace x metric, fastest first. */
    private static List<Cell> cells(RunResults run, String trace, String metric) {
        return run.cells().stream().filter(c -> c.trace().equals(trace) && c.metric().equals(metric) && ok(c))
                .sorted(Comparator.comparingDouble(Cell::median)).toList();
    }

    private static boolean ok(Cell c) {
        return c != null && Cell.OK.equals(c.status()) && c.median() != null;
    }

    /** "0.78 [0.70,0.85]", "~" after a within-JVM interval, "" without a ratio. */
    static String ratio(RatioEstimate e) {
        if (e == null || Double.isNaN(e.ratio())) {
            return "";
        }
        if (!e.hasInterval()) {
            return String.format(Locale.ROOT, "%.2f", e.ratio());
        }
        return String.format(Locale.ROOT, "%.2f [%.2f,%.2f]%s", e.ratio(), e.low(), e.high(),
                e.overForks() ? "" : "~");
    }

    /** "   drift: late/early 0.57 (79.1 -> 45.0)" for a flagged cell, else "". */
    private static String drift(Cell c) {
        return !c.drifted() ? "" : String.format(Locale.ROOT, "   drift: late/early %.2f (%.1f -> %.1f)",
                c.drift().ratio(), c.drift().early(), c.drift().late());
    }

    /** After the tables: how many cells drifted, and what to do about it. */
    private static void driftAdvice(PrintWriter out, RunResults run, Campaign campaign) {
        long drifted = run.cells().stream().filter(Cell::drifted).count();
        if (drifted == 0) {
            return;
        }
        out.printf(Locale.ROOT, "drift: %d cell%s changed by at least %.0f%% between the first and the last half of"
                + " their measured iterations, beyond their own noise (marked \"drift\" above): the process was"
                + " still warming up, and the median mixes two regimes. More warm-up helps: --warmup %d (now %d).%n%n",
                drifted, drifted == 1 ? "" : "s", DriftCheck.MATERIAL * 100, Math.max(2 * campaign.warmup(), 10),
                campaign.warmup());
    }

    private static String faults(Cell c) {
        Double f = c.medianMinorFaults();
        return f == null ? "-" : String.format(Locale.ROOT, "%.0f", f);
    }

    private static String name(Cell c, Map<String, String> notes) {
        return c.allocator() + (notes.containsKey(c.allocator()) ? " *" : "");
    }

    /** "8.8..12.1", with "~" after a within-JVM interval (fewer than 3 forks). */
    private static String ci(Cell c) {
        return c.ciLow() == null ? "" : String.format(Locale.ROOT, "%.1f..%.1f%s", c.ciLow(), c.ciHigh(),
                c.interval() == null || c.intervalOverForks() ? "" : "~");
    }
}
