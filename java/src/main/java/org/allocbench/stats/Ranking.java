package org.allocbench.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.allocbench.alloc.Allocators;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;

/**
 * Who is faster than whom in one run, with intervals: the ranked tables of
 * the terminal, the HTML report and the exports all come from here, so they
 * cannot disagree.
 *
 * <p><b>Ratios are paired.</b> An allocator's ratio to the view's reference
 * on a trace is the median over forks of (its fork-k median / the
 * reference's fork-k median): fork k ran both in the same slot of the
 * rotation, so a slow minute of the host hits both ({@link Bootstrap#paired}).
 * With fewer than {@value Bootstrap#MIN_FORKS} shared forks it is the ratio of
 * the two cells' medians with a within-JVM interval, labelled so.
 *
 * <p><b>Shared ranks.</b> Allocators are sorted by ratio; one whose interval
 * overlaps those of every member of the group above it shares that group's
 * rank, printed with {@code =} (1, 2=, 2=, 4): the data do not order them.
 *
 * <p><b>Overall.</b> Per allocator, the geometric mean of its ratios over the
 * traces it and the reference both ran, with an interval that draws forks
 * jointly for all traces ({@link Bootstrap#geomean}), ranked the same way.
 */
public final class Ranking {

    /** The two views a run is ranked in, each against its own reference. */
    public enum View {
        /** Every native allocator replaying whole traces in C, a process each: the allocator comparison. */
        WHOLE_TRACE("whole trace in C", Cell.WHOLE_TRACE, WholeTraceLane.ASET.laneName()),
        /** Every allocator called op by op from Java through the allocator interface. */
        PER_OP("per-op from Java", Cell.REPLAY, "aset-native");

        private final String title;
        private final String metric;
        private final String reference;

        View(String title, String metric, String reference) {
            this.title = title;
            this.metric = metric;
            this.reference = reference;
        }

        public String title() {
            return title;
        }

        public String metric() {
            return metric;
        }

        public String reference() {
            return reference;
        }

        /**
         * Whether a cell takes part in this view's ranking: the C lanes (not real PostgreSQL, which is shown
         * beside them), and the per-op allocators that free single allocations (those that cannot do less work).
         */
        public boolean ranks(Cell c) {
            if (!metric.equals(c.metric()) || !usable(c)) {
                return false;
            }
            return this == WHOLE_TRACE ? WholeTraceLane.all().stream().anyMatch(l -> l.laneName().equals(c.allocator()))
                    : !Allocators.skipsFrees(c.allocator());
        }
    }

    /** A ranked cell: its ratio to the reference with the interval, and its rank ("1", "2=", ...). */
    public record Row(Cell cell, RatioEstimate ratio, String rank) {
    }

    /** An allocator's overall standing: the geometric mean of its ratios over {@code traces} traces. */
    public record Standing(String allocator, RatioEstimate geomean, int traces, String rank) {
    }

    private Ranking() {
    }

    /** The view's ranked cells of one trace, fastest first; empty when the reference did not run there. */
    public static List<Row> trace(RunResults run, String trace, View view, Bootstrap bootstrap) {
        Cell ref = run.cell(view.reference(), trace, view.metric());
        if (ref == null || !view.ranks(ref)) {
            return List.of();
        }
        List<Cell> cells = run.cells().stream().filter(c -> c.trace().equals(trace) && view.ranks(c)).toList();
        List<Row> rows = new ArrayList<>(cells.stream().map(c -> new Row(c, ratio(ref, c, bootstrap), "")).toList());
        rows.sort(Comparator.comparingDouble((Row r) -> r.ratio().ratio()));
        return withRanks(rows, Row::ratio, (r, rank) -> new Row(r.cell(), r.ratio(), rank));
    }

    /**
     * Any cell's ratio to the view's reference on its trace (a floor, real PostgreSQL), or null when the
     * reference did not run there.
     */
    public static RatioEstimate toReference(RunResults run, Cell cell, View view, Bootstrap bootstrap) {
        Cell ref = run.cell(view.reference(), cell.trace(), view.metric());
        return ref == null || !usable(ref) || !usable(cell) ? null : ratio(ref, cell, bootstrap);
    }

    /** The overall standings of the view, by geometric mean of the ratios; empty with fewer than two traces. */
    public static List<Standing> overall(RunResults run, View view, Bootstrap bootstrap) {
        List<String> traces = run.traces();
        if (traces.size() < 2) {
            return List.of();
        }
        int slots = run.cells().stream().flatMap(c -> c.sampleForks().stream()).mapToInt(Integer::intValue).max()
                .orElse(0) + 1;
        Map<String, List<double[][]>> byAllocator = new LinkedHashMap<>();
        for (String trace : traces) {
            Cell ref = run.cell(view.reference(), trace, view.metric());
            if (ref == null || !view.ranks(ref)) {
                continue;
            }
            double[] refSlots = bySlot(ref, slots);
            for (Cell c : run.cells()) {
                if (c.trace().equals(trace) && view.ranks(c)) {
                    byAllocator.computeIfAbsent(c.allocator(), k -> new ArrayList<>())
                            .add(new double[][] {refSlots, bySlot(c, slots)});
                }
            }
        }
        List<Standing> standings = new ArrayList<>();
        byAllocator.forEach((allocator, pairs) -> {
            RatioEstimate g = view.reference().equals(allocator) ? RatioEstimate.identity(bootstrap.confidence())
                    : bootstrap.geomean("overall " + view.name() + " " + allocator,
                            pairs.stream().map(p -> p[0]).toList(), pairs.stream().map(p -> p[1]).toList());
            standings.add(new Standing(allocator, g, pairs.size(), ""));
        });
        standings.sort(Comparator.comparingDouble((Standing s) -> s.geomean().ratio()));
        return withRanks(standings, Standing::geomean, (s, rank) -> new Standing(s.allocator(), s.geomean(),
                s.traces(), rank));
    }

    /** B/A paired over the forks both ran when there are enough, else unpaired (within-JVM when few forks). */
    static RatioEstimate ratio(Cell ref, Cell c, Bootstrap bootstrap) {
        if (ref.allocator().equals(c.allocator()) && ref.metric().equals(c.metric())) {
            return RatioEstimate.identity(bootstrap.confidence());
        }
        Map<Integer, double[]> a = Bootstrap.groups(ref.samples(), ref.sampleForks());
        Map<Integer, double[]> b = Bootstrap.groups(c.samples(), c.sampleForks());
        TreeSet<Integer> shared = new TreeSet<>(a.keySet());
        shared.retainAll(b.keySet());
        String key = c.key().label() + " vs " + ref.allocator();
        if (shared.size() < Bootstrap.MIN_FORKS) {
            return bootstrap.unpaired(key, ref, c);
        }
        double[] ma = shared.stream().mapToDouble(f -> Bootstrap.median(a.get(f))).toArray();
        double[] mb = shared.stream().mapToDouble(f -> Bootstrap.median(b.get(f))).toArray();
        return bootstrap.paired(key, ma, mb);
    }

    /** The cell's fork medians by fork id (its slot in the rotation), NaN where it has none. */
    private static double[] bySlot(Cell c, int slots) {
        double[] out = new double[slots];
        java.util.Arrays.fill(out, Double.NaN);
        Bootstrap.groups(c.samples(), c.sampleForks()).forEach((f, g) -> {
            if (f >= 0 && f < slots) {
                out[f] = Bootstrap.median(g);
            }
        });
        return out;
    }

    /** Ranks of items sorted by point: one that overlaps its group's first shares the group's rank. */
    private static <T> List<T> withRanks(List<T> sorted, java.util.function.Function<T, RatioEstimate> estimate,
            java.util.function.BiFunction<T, String, T> withRank) {
        List<String> ranks = ranks(sorted.stream().map(estimate).toList());
        List<T> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            out.add(withRank.apply(sorted.get(i), ranks.get(i)));
        }
        return out;
    }

    /**
     * Competition ranks ("1", "2=", "2=", "4") of estimates already sorted by point. An estimate joins the
     * group above it only if its interval overlaps that of every member: within a group no two are ordered by
     * the data (overlap is not transitive, so joining on the first member alone could tie 1.00 with 1.58).
     */
    static List<String> ranks(List<RatioEstimate> sorted) {
        int[] group = new int[sorted.size()];
        int[] size = new int[sorted.size()];
        int leader = 0;
        for (int i = 0; i < sorted.size(); i++) {
            boolean joins = i > 0;
            for (int j = leader; joins && j < i; j++) {
                joins = sorted.get(i).overlaps(sorted.get(j));
            }
            if (!joins) {
                leader = i;
            }
            group[i] = leader;
            size[leader]++;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            out.add((group[i] + 1) + (size[group[i]] > 1 ? "=" : ""));
        }
        return out;
    }

    /** A cell with samples to compare ({@link RunComparison#usable}) and a recorded median to print. */
    static boolean usable(Cell c) {
        return c != null && RunComparison.usable(c) && c.median() != null;
    }
}
