package org.allocbench.fit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;

/**
 * The one-line answer to "which context fits this trace?", from one trace's fit cells ({@link ContextFit}).
 *
 * <p>Each context kind that ran is scored against AllocSet, PostgreSQL's default, by its time ratio times its
 * peak ratio (median ns/op over AllocSet's; peak RSS added over AllocSet's): a kind twice as fast in twice
 * the memory scores 1, no better. A kind fits better only if it scores at most {@value #BETTER}: a margin,
 * because one run on a shared host moves either figure by a few percent, and a verdict should not flip with
 * the noise. Peaks below {@value #PEAK_FLOOR} bytes count as that much: RSS moves by a few pages from one
 * process to the next, so between two small peaks a ratio would be noise. The line also names the kinds that could not replay the trace, and the fastest malloc peer, for
 * scale.
 *
 * @param best       the lane that fits best ({@code aset-c} unless another kind beats it by the margin), or
 *                   null if AllocSet did not run (no verdict)
 * @param timeRatio  its median ns/op over AllocSet's
 * @param peakRatio  its peak over AllocSet's
 * @param line       the verdict in words
 */
public record FitVerdict(String best, double timeRatio, double peakRatio, String line) {

    static final double BETTER = 0.9;
    static final long PEAK_FLOOR = 64 * 1024;

    /** The verdict of one trace's cells (other traces' cells are ignored). */
    public static FitVerdict of(List<Cell> cells) {
        Optional<Cell> aset = ran(cells, WholeTraceLane.ASET.laneName());
        if (aset.isEmpty()) {
            return new FitVerdict(null, Double.NaN, Double.NaN, "no verdict: AllocSet did not replay the trace");
        }
        Cell reference = aset.get();
        Cell best = reference;
        double bestScore = 1;
        for (Cell c : cells) {
            if (ContextFit.isContextKind(c.allocator()) && Cell.OK.equals(c.status()) && c != reference) {
                double score = time(c, reference) * peak(c, reference);
                if (score <= BETTER && score < bestScore) {
                    best = c;
                    bestScore = score;
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (best == reference) {
            parts.add("AllocSet fits: no other kind beats it by 10% on time x peak");
        } else {
            parts.add(String.format(Locale.ROOT, "%s fits better: %.2fx AllocSet's time, %.2fx its peak",
                    kindName(best.allocator()), time(best, reference), peak(best, reference)));
        }
        List<String> cannot = cells.stream().filter(c -> ContextFit.isContextKind(c.allocator())
                && Cell.NOT_RUN.equals(c.status())).map(c -> kindName(c.allocator())).toList();
        if (!cannot.isEmpty()) {
            parts.add("not applicable: " + String.join(", ", cannot));
        }
        fastestPeer(cells).ifPresent(m -> parts.add(String.format(Locale.ROOT, "fastest malloc: %s at %.2fx",
                m.allocator(), time(m, reference))));
        return new FitVerdict(best.allocator(), time(best, reference), peak(best, reference),
                String.join("; ", parts));
    }

    /** {@code generation-c} -> {@code Generation}; malloc peers keep their lane name. */
    public static String kindName(String laneName) {
        return switch (laneName) {
            case "aset-c" -> "AllocSet";
            case "generation-c" -> "Generation";
            case "slab-c" -> "Slab";
            case "bump-c" -> "Bump";
            default -> laneName;
        };
    }

    /** The fastest malloc peer that ran, if any. */
    public static Optional<Cell> fastestPeer(List<Cell> cells) {
        return cells.stream().filter(c -> !ContextFit.isContextKind(c.allocator()) && Cell.OK.equals(c.status()))
                .min(Comparator.comparingDouble(Cell::median));
    }

    /** c's median ns/op over the reference's. */
    public static double time(Cell c, Cell reference) {
        return c.median() / reference.median();
    }

    /** c's peak over the reference's, each at least {@value #PEAK_FLOOR} bytes. */
    public static double peak(Cell c, Cell reference) {
        return (double) Math.max(PEAK_FLOOR, c.stats().getOrDefault(ContextFit.PEAK, 0L))
                / Math.max(PEAK_FLOOR, reference.stats().getOrDefault(ContextFit.PEAK, 0L));
    }

    /** The lane's cell among one trace's, if it ran. */
    public static Optional<Cell> ran(List<Cell> cells, String lane) {
        return cells.stream().filter(c -> c.allocator().equals(lane) && Cell.OK.equals(c.status())).findFirst();
    }
}
