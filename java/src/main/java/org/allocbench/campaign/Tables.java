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
import org.allocbench.replay.ReplayLoop;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.trace.BuiltinPatterns;
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

    public static final String REFERENCE = "aset-native";
    public static final String C_REFERENCE = WholeTraceLane.ASET.laneName();

    private Tables() {
    }

    public static void print(PrintWriter out, RunResults run, Campaign campaign) {
        @SuppressWarnings("unchecked")
        Map<String, String> notes = run.environment().get("allocatorNotes") instanceof Map<?, ?> m
                ? (Map<String, String>) m : Map.of();
        Map<String, List<Double>> cRatios = new LinkedHashMap<>();
        Map<String, List<Double>> perOpRatios = new LinkedHashMap<>();
        Map<String, String> notRun = new LinkedHashMap<>();
        List<String> traces = new ArrayList<>();
        for (Cell c : run.cells()) {
            if (!traces.contains(c.trace())) {
                traces.add(c.trace());
            }
        }
        out.print(header(campaign, traces.size()));
        for (String trace : traces) {
            OpSequence ops = BuiltinPatterns.byName(trace, campaign.opsFor(trace), campaign.seed());
            out.printf(Locale.ROOT, "%s: %,d ops (%,d alloc, %,d free, %,d realloc, %,d reset)%n", trace, ops.length(),
                    ops.count(OpSequence.ALLOC) + ops.count(OpSequence.ALLOC_ZEROED), ops.count(OpSequence.FREE),
                    ops.count(OpSequence.REALLOC), ops.count(OpSequence.RESET));
            wholeTraceTable(out, run, trace, notes, cRatios);
            perOpTable(out, run, trace, notes, perOpRatios, campaign.threads());
            for (Cell c : run.cells()) {
                if (c.trace().equals(trace) && Cell.OK.equals(c.status()) && c.reason() != null) {
                    out.printf("     cut short: %s (%s)%n", c.key(), c.reason());
                }
                if (c.trace().equals(trace) && !Cell.OK.equals(c.status())) {
                    if (Cell.NOT_RUN.equals(c.status())) {
                        notRun.putIfAbsent(c.allocator(), c.reason());
                    } else {
                        out.printf("     failed: %s (%s)%n", c.key(), c.reason());
                    }
                }
            }
            out.println();
        }
        List<String> order = new ArrayList<>();
        if (traces.size() > 1) {
            order.addAll(overall(out, "whole trace in C", C_REFERENCE, cRatios));
            order.addAll(overall(out, "per-op from Java", REFERENCE, perOpRatios));
        }
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
                + "ns/op: median over iterations; 95%% CI: bootstrap over forks; ratios: of medians;"
                + " faults: minor page faults per iteration (median)%n%n",
                campaign.name(), InterleavedRunner.allocators(campaign).size(), traces, how, campaign.seed(),
                Runtime.version(), GlibcMalloc.MMAP_THRESHOLD >> 20, GlibcMalloc.TRIM_THRESHOLD >> 20);
    }

    private static void wholeTraceTable(PrintWriter out, RunResults run, String trace, Map<String, String> notes,
            Map<String, List<Double>> ratios) {
        List<Cell> lanes = cells(run, trace, Cell.WHOLE_TRACE).stream()
                .filter(c -> !c.allocator().equals(InterleavedRunner.PG15_REAL)).toList();
        if (lanes.isEmpty()) {
            return;
        }
        Cell ref = run.cell(C_REFERENCE, trace, Cell.WHOLE_TRACE);
        boolean hasRef = ok(ref);
        out.printf("  whole trace in C, no FFM call per op, each allocator in a process of its own%n");
        out.printf("  %-4s %-24s %9s %17s %12s %10s%n", "rank", "lane", "ns/op", "95% CI",
                hasRef ? "vs " + C_REFERENCE : "", "faults/it");
        List<Cell> ranked = new ArrayList<>(lanes);
        if (hasRef) {
            ranked.sort(Comparator.comparingDouble(c -> c.median() / ref.median()));
        }
        int rank = 1;
        for (Cell c : ranked) {
            String ratio = hasRef ? ratio(c, ref) : "";
            if (hasRef) {
                ratios.computeIfAbsent(c.allocator(), k -> new ArrayList<>()).add(c.median() / ref.median());
            }
            out.printf(Locale.ROOT, "  %-4d %-24s %9.1f %17s %12s %10s%n", rank++, c.allocator(), c.median(), ci(c),
                    ratio, faults(c));
        }
        List<Cell> others = new ArrayList<>();
        Optional.ofNullable(run.cell(InterleavedRunner.PG15_REAL, trace, Cell.WHOLE_TRACE)).filter(Tables::ok)
                .ifPresent(others::add);
        List<Cell> floors = cells(run, trace, Cell.WHOLE_TRACE_FLOOR);
        others.addAll(floors);
        for (Cell c : others) {
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %12s %10s   (%s)%n", "", c.allocator(), c.median(), ci(c),
                    hasRef ? ratio(c, ref) : "", faults(c), c.allocator().equals(InterleavedRunner.PG15_REAL)
                            ? "real PostgreSQL 15's AllocSet, timed in a warmed backend"
                            : "floor: the C loop, no allocator");
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
            Map<String, List<Double>> ratios, int threads) {
        List<Cell> all = cells(run, trace, Cell.REPLAY);
        List<Cell> floors = cells(run, trace, Cell.FLOOR);
        if (all.isEmpty() && floors.isEmpty()) {
            return;
        }
        List<Cell> ranked = all.stream().filter(c -> !Allocators.skipsFrees(c.allocator())).toList();
        List<Cell> skipping = all.stream().filter(c -> Allocators.skipsFrees(c.allocator())).toList();
        Cell ref = run.cell(REFERENCE, trace, Cell.REPLAY);
        boolean hasRef = ok(ref);
        out.printf("  per-op from Java, one FFM call per op; binding = per-op minus the same allocator's C lane%n");
        out.printf("  %-4s %-24s %9s %17s %12s %9s %10s%n", "rank", "allocator", "ns/op", "95% CI",
                hasRef ? "vs " + REFERENCE : "", "binding", "faults/it");
        List<Cell> sorted = new ArrayList<>(ranked);
        if (hasRef) {
            sorted.sort(Comparator.comparingDouble(c -> c.median() / ref.median()));
        }
        int rank = 1;
        for (Cell c : sorted) {
            if (hasRef) {
                ratios.computeIfAbsent(c.allocator(), k -> new ArrayList<>()).add(c.median() / ref.median());
            }
            out.printf(Locale.ROOT, "  %-4d %-24s %9.1f %17s %12s %9s %10s%n", rank++, name(c, notes), c.median(),
                    ci(c), hasRef ? ratio(c, ref) : "", threads > 1 ? "-" : binding(run, c), faults(c));
        }
        for (Cell c : floors) {
            out.printf(Locale.ROOT, "  %-4s %-24s %9.1f %17s %12s %9s %10s   (%s)%n", "", c.allocator(), c.median(),
                    ci(c), "", "", faults(c), c.allocator().equals(InterleavedRunner.FLOOR)
                            ? "floor: the Java loop, no allocator" : "floor: a no-op FFM downcall per op");
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

    private static List<String> overall(PrintWriter out, String view, String reference,
            Map<String, List<Double>> ratios) {
        if (ratios.isEmpty()) {
            return List.of();
        }
        out.printf("Overall, %s: geometric mean of the ratios to %s over the traces each ran%n", view, reference);
        out.printf("%-4s %-28s %8s %7s%n", "rank", "allocator", "geomean", "traces");
        Map<String, Double> geo = new LinkedHashMap<>();
        ratios.forEach((k, v) -> geo.put(k, Math.exp(v.stream().mapToDouble(Math::log).average().orElse(Double.NaN))));
        List<String> names = new ArrayList<>(geo.keySet());
        names.sort(Comparator.comparingDouble(geo::get));
        int rank = 1;
        for (String n : names) {
            out.printf(Locale.ROOT, "%-4d %-28s %8.2f %7d%n", rank++, n, geo.get(n), ratios.get(n).size());
        }
        out.println();
        return names;
    }

    private static void contextStats(PrintWriter out, RunResults run, List<String> traces, Campaign campaign) {
        boolean ranReference = run.cells().stream().anyMatch(c -> c.allocator().equals(REFERENCE) && ok(c));
        if (!ranReference) {
            return;
        }
        out.printf("Memory context statistics of %s at the end of each trace, before the final delete:%n", REFERENCE);
        for (String trace : traces) {
            OpSequence ops = BuiltinPatterns.byName(trace, campaign.opsFor(trace), campaign.seed());
            ReplayLoop loop = new ReplayLoop(ops);
            try (NativeAllocSetAllocator aset = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
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

    private static String ratio(Cell c, Cell ref) {
        return String.format(Locale.ROOT, "%.2f", c.median() / ref.median());
    }

    private static String faults(Cell c) {
        Double f = c.medianMinorFaults();
        return f == null ? "-" : String.format(Locale.ROOT, "%.0f", f);
    }

    private static String name(Cell c, Map<String, String> notes) {
        return c.allocator() + (notes.containsKey(c.allocator()) ? " *" : "");
    }

    private static String ci(Cell c) {
        return c.ciLow() == null ? "" : String.format(Locale.ROOT, "%.1f..%.1f", c.ciLow(), c.ciHigh());
    }
}
