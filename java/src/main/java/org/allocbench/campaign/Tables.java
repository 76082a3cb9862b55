package org.allocbench.campaign;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;

/**
 * The terminal summary of a run: one ranked table per trace (median ns/op,
 * 95% interval of the median, ratio to aset-native: the median of the
 * round-by-round ratios when both ran the same rounds; ranked by that ratio
 * where aset-native ran, else by the median), the floors and the
 * whole-trace lanes under it, then the overall ranking by the geometric mean
 * of each allocator's ratios over the traces it ran, the notes on the
 * allocators marked {@code *}, what did not run and why, and aset-native's
 * MemoryContextStats at the end of each trace.
 */
public final class Tables {

    public static final String REFERENCE = "aset-native";

    private Tables() {
    }

    public static void print(PrintWriter out, RunResults run, Campaign campaign) {
        @SuppressWarnings("unchecked")
        Map<String, String> notes = run.environment().get("allocatorNotes") instanceof Map<?, ?> m
                ? (Map<String, String>) m : Map.of();
        Map<String, List<Double>> ratiosByAllocator = new LinkedHashMap<>();
        Map<String, String> notRun = new LinkedHashMap<>();
        List<String> traces = new ArrayList<>();
        for (Cell c : run.cells()) {
            if (!traces.contains(c.trace())) {
                traces.add(c.trace());
            }
        }
        out.printf(Locale.ROOT, "allocbench run: campaign %s (%s), %d allocators x %d traces, %s, seed %d; JVM %s%n%n",
                campaign.name(), campaign.method(), InterleavedRunner.allocators(campaign).size(), traces.size(),
                Campaign.JMH.equals(campaign.method())
                        ? String.format(Locale.ROOT, "JMH %d forks x %d x %s after %d warm-up iterations",
                                campaign.jmh().forks(), campaign.jmh().iterations(), campaign.jmh().time(),
                                campaign.jmh().warmupIterations())
                        : String.format(Locale.ROOT, "%d warm-up + %d measured rounds%s, each runs every allocator"
                                + " once%s", campaign.warmup(), campaign.rounds(),
                                campaign.forks() > 1 ? " in each of " + campaign.forks() + " JVMs" : "",
                                campaign.threads() > 1 ? " on " + campaign.threads() + " threads" : ""),
                campaign.seed(), Runtime.version());
        for (String trace : traces) {
            OpSequence ops = BuiltinPatterns.byName(trace, campaign.opsFor(trace), campaign.seed());
            out.printf(Locale.ROOT, "%s: %,d ops (%,d alloc, %,d free, %,d realloc, %,d reset)%n", trace, ops.length(),
                    ops.count(OpSequence.ALLOC) + ops.count(OpSequence.ALLOC_ZEROED), ops.count(OpSequence.FREE),
                    ops.count(OpSequence.REALLOC), ops.count(OpSequence.RESET));
            List<Cell> replay = new ArrayList<>(cells(run, trace, Cell.REPLAY));
            Cell ref = run.cell(REFERENCE, trace, Cell.REPLAY);
            boolean hasRef = ref != null && Cell.OK.equals(ref.status());
            if (hasRef) {
                // ranked by the side-by-side ratio (round by round), the comparison the design trusts
                replay.sort(Comparator.comparingDouble(c -> ratio(c, ref)));
            }
            out.printf("%-4s %-28s %12s %20s %16s%n", "rank", "allocator", "median ns/op", "95% CI",
                    hasRef ? "vs " + REFERENCE : "");
            int rank = 1;
            for (Cell c : replay) {
                String ratio = "";
                if (hasRef) {
                    double r = ratio(c, ref);
                    ratio = String.format(Locale.ROOT, "%.2f", r);
                    ratiosByAllocator.computeIfAbsent(c.allocator(), k -> new ArrayList<>()).add(r);
                }
                out.printf(Locale.ROOT, "%-4d %-28s %12.1f %20s %16s%n", rank++, name(c, notes), c.median(), ci(c),
                        ratio);
            }
            for (Cell c : cells(run, trace, Cell.FLOOR)) {
                out.printf(Locale.ROOT, "%-4s %-28s %12.1f %20s   (%s)%n", "", c.allocator(), c.median(), ci(c),
                        c.allocator().equals(InterleavedRunner.NULL_FLOOR)
                                ? "harness floor: the replay loop over a bump pointer, frees ignored"
                                : "binding floor: a no-op FFM downcall per op");
            }
            List<Cell> lanes = cells(run, trace, InterleavedRunner.WHOLE_TRACE);
            if (!lanes.isEmpty()) {
                StringBuilder sb = new StringBuilder("     whole trace in C, no FFM per op:");
                double base = lanes.stream().filter(l -> l.allocator().equals(InterleavedRunner.ASET_C))
                        .mapToDouble(Cell::median).findFirst().orElse(Double.NaN);
                for (Cell l : run.cells()) {
                    if (l.trace().equals(trace) && l.metric().equals(InterleavedRunner.WHOLE_TRACE)
                            && Cell.OK.equals(l.status())) {
                        sb.append(String.format(Locale.ROOT, "  %s %.1f (%.2f)", l.allocator(), l.median(),
                                l.median() / base));
                    }
                }
                out.println(sb);
            }
            for (Cell c : run.cells()) {
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
        List<String> overall = new ArrayList<>(ratiosByAllocator.keySet());
        if (!ratiosByAllocator.isEmpty() && traces.size() > 1) {
            out.printf("Overall: geometric mean of the ratios to %s over the traces each ran%n", REFERENCE);
            out.printf("%-4s %-28s %8s %7s%n", "rank", "allocator", "geomean", "traces");
            Map<String, Double> geo = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> e : ratiosByAllocator.entrySet()) {
                double g = Math.exp(e.getValue().stream().mapToDouble(Math::log).average().orElse(Double.NaN));
                geo.put(e.getKey(), g);
            }
            List<String> names = new ArrayList<>(geo.keySet());
            names.sort(Comparator.comparingDouble(geo::get));
            overall = names;
            int rank = 1;
            for (String n : names) {
                out.printf(Locale.ROOT, "%-4d %-28s %8.2f %7d%n", rank++, n + (notes.containsKey(n) ? " *" : ""),
                        geo.get(n), ratiosByAllocator.get(n).size());
            }
            out.println();
        }
        List<String> noted = new ArrayList<>(notes.keySet());
        List<String> byRank = overall;
        noted.sort(Comparator.comparingInt(n -> byRank.contains(n) ? byRank.indexOf(n) : Integer.MAX_VALUE));
        for (String n : noted) {
            out.printf("* %s: %s%n", n, notes.get(n));
        }
        for (Map.Entry<String, String> e : notRun.entrySet()) {
            out.printf("not run: %s (%s)%n", e.getKey(), e.getValue());
        }
        if (!notes.isEmpty() || !notRun.isEmpty()) {
            out.println();
        }
        if (Campaign.INTERLEAVED.equals(campaign.method())) {
            out.printf("All allocators share one JVM here, so the replay loop's calls are not inlined per allocator;%n"
                    + "`allocbench run --campaign full` (JMH, one fork per cell) gives exact figures.%n%n");
        }
        boolean ranReference = run.cells().stream().anyMatch(c -> c.allocator().equals(REFERENCE)
                && Cell.OK.equals(c.status()));
        if (ranReference) {
            out.printf("Memory context statistics of %s at the end of each trace, before the final delete:%n",
                    REFERENCE);
            for (String trace : traces) {
                OpSequence ops = BuiltinPatterns.byName(trace, campaign.opsFor(trace), campaign.seed());
                try (NativeAllocSetAllocator aset = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)) {
                    AllocatorReplay.replay(aset, ops, new long[ops.slots()], new long[ops.slots()]);
                    out.printf("%s:%n%s", trace, aset.dump().indent(2));
                }
            }
        }
        out.flush();
    }

    /** ok cells of trace x metric, fastest first. */
    private static List<Cell> cells(RunResults run, String trace, String metric) {
        return run.cells().stream().filter(c -> c.trace().equals(trace) && c.metric().equals(metric)
                && Cell.OK.equals(c.status()) && c.median() != null)
                .sorted(Comparator.comparingDouble(Cell::median)).toList();
    }

    /** c / ref: the median of the per-round ratios when both ran the same rounds, else the ratio of medians. */
    public static double ratio(Cell c, Cell ref) {
        if (c.samples().size() == ref.samples().size() && c.sampleForks().equals(ref.sampleForks())
                && !c.samples().isEmpty()) {
            double[] r = new double[c.samples().size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = c.samples().get(i) / ref.samples().get(i);
            }
            return SampleStats.median(r);
        }
        return c.median() / ref.median();
    }

    private static String name(Cell c, Map<String, String> notes) {
        return c.allocator() + (notes.containsKey(c.allocator()) ? " *" : "");
    }

    private static String ci(Cell c) {
        return c.ciLow() == null ? "" : String.format(Locale.ROOT, "%.1f..%.1f", c.ciLow(), c.ciHigh());
    }
}
