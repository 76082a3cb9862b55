package org.allocbench.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunResults;

/**
 * The CI performance gate's decision. Per cell, the ratio candidate/baseline
 * with its interval (paired over interleaved fork pairs, {@link Bootstrap#paired},
 * or against a stored baseline run, {@link Bootstrap#unpaired}), and a verdict:
 * {@link Outcome#FAIL} only when the whole interval lies above
 * 1 + max-regression, i.e. the data rule out a regression smaller than the
 * threshold. A cell whose interval merely reaches past the threshold passes,
 * flagged as inconclusive: the gate trades sensitivity for never failing a
 * build on noise.
 *
 * <p>Cells are decided one by one at the stated confidence, with no
 * correction for their number: the threshold already sits well away from 1,
 * so a cell that did not change has to be off by the whole margin for its
 * interval to clear it (the A/A validation runs measure what that costs).
 */
public final class GateDecision {

    /** A cell's gate verdict. */
    public enum Outcome {
        /** The whole interval lies above 1 + max-regression. */
        FAIL("FAIL"),
        /** The interval lies above 1 but not wholly above the threshold: slower, within the tolerance. */
        SLOWER("slower (within tolerance)"),
        /** The interval contains 1. */
        NO_DIFFERENCE("no difference"),
        /** The interval lies below 1. */
        FASTER("faster"),
        /** The interval is over rounds of one JVM (a stored baseline of fewer than 3 forks): no verdict. */
        WITHIN_JVM("no verdict: within-JVM interval (fewer than 3 forks)"),
        /** Too little data (fewer than 3 usable pairs or forks). */
        NO_DATA("no data");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One cell of the decision. */
    public record Row(String allocator, String trace, String metric, double baselineMedian, double candidateMedian,
            RatioEstimate estimate, Outcome outcome, boolean inconclusive) {

        public String key() {
            return new CellKey(allocator, trace, metric).label();
        }
    }

    private final List<Row> rows;
    private final List<String> notCompared;
    private final double maxRegression;
    private final boolean interleaved;
    private final int baselineForks;
    private final int candidateForks;
    private final Bootstrap bootstrap;

    private GateDecision(List<Row> rows, List<String> notCompared, double maxRegression, boolean interleaved,
            int baselineForks, int candidateForks, Bootstrap bootstrap) {
        this.rows = List.copyOf(rows);
        this.notCompared = List.copyOf(notCompared);
        this.maxRegression = maxRegression;
        this.interleaved = interleaved;
        this.baselineForks = baselineForks;
        this.candidateForks = candidateForks;
        this.bootstrap = bootstrap;
    }

    /** The verdict for one ratio estimate at a threshold of 1 + maxRegression. */
    public static Outcome outcome(RatioEstimate e, double maxRegression) {
        if (!e.hasInterval()) {
            return Outcome.NO_DATA;
        }
        if (!e.overForks()) {
            return Outcome.WITHIN_JVM;
        }
        if (e.low() > 1 + maxRegression) {
            return Outcome.FAIL;
        }
        if (e.low() > 1) {
            return Outcome.SLOWER;
        }
        if (e.high() < 1) {
            return Outcome.FASTER;
        }
        return Outcome.NO_DIFFERENCE;
    }

    /**
     * Interleaved: baseline[i] and candidate[i] are one fork each, run back to
     * back. A cell's pairs are those where both forks measured it.
     */
    public static GateDecision paired(List<RunResults> baseline, List<RunResults> candidate, double maxRegression,
            Bootstrap bootstrap) {
        if (baseline.size() != candidate.size()) {
            throw new IllegalArgumentException("interleaved forks come in pairs: " + baseline.size() + " baseline vs "
                    + candidate.size() + " candidate runs");
        }
        List<Row> rows = new ArrayList<>();
        List<String> notCompared = new ArrayList<>();
        List<RunResults> all = new ArrayList<>(baseline);
        all.addAll(candidate);
        for (CellKey key : ForkRuns.keys(all)) {
            double[] a = ForkRuns.forkMedians(baseline, key);
            double[] b = ForkRuns.forkMedians(candidate, key);
            List<double[]> pairs = new ArrayList<>();
            for (int i = 0; i < a.length; i++) {
                if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
                    pairs.add(new double[] {a[i], b[i]});
                }
            }
            if (pairs.isEmpty()) {
                notCompared.add(key.label() + " (" + missing(a, "baseline") + ", " + missing(b, "candidate") + ")");
                continue;
            }
            double[] pa = pairs.stream().mapToDouble(p -> p[0]).toArray();
            double[] pb = pairs.stream().mapToDouble(p -> p[1]).toArray();
            RatioEstimate e = bootstrap.paired(key.label(), pa, pb);
            if (pairs.size() < a.length) {
                e = new RatioEstimate(e.ratio(), e.low(), e.high(), e.confidence(), e.method(), e.unitsA(), e.unitsB(),
                        (e.note().isEmpty() ? "" : e.note() + "; ") + (a.length - pairs.size()) + " of " + a.length
                                + " pairs lacked the cell");
            }
            rows.add(row(key, pooledMedian(baseline, key), pooledMedian(candidate, key), e, maxRegression));
        }
        return new GateDecision(rows, notCompared, maxRegression, true, baseline.size(), candidate.size(), bootstrap);
    }

    /** Against a stored run (not interleaved: its forks ran at another time, maybe on another host). */
    public static GateDecision unpaired(RunResults baseline, List<RunResults> candidate, double maxRegression,
            Bootstrap bootstrap) {
        RunResults combined = ForkRuns.combine(candidate, candidate.get(0).run(), bootstrap);
        RunComparison comparison = RunComparison.of(baseline, combined, bootstrap);
        List<Row> rows = new ArrayList<>();
        for (CellComparison c : comparison.rows()) {
            rows.add(row(new CellKey(c.allocator(), c.trace(), c.metric()), c.medianA(), c.medianB(), c.estimate(),
                    maxRegression));
        }
        List<String> notCompared = new ArrayList<>(comparison.notCompared());
        comparison.onlyInA().forEach(k -> notCompared.add(k + " (only in the baseline run)"));
        comparison.onlyInB().forEach(k -> notCompared.add(k + " (not in the baseline run)"));
        int forksA = baseline.cells().stream().filter(RunComparison::usable)
                .mapToInt(c -> Bootstrap.byForkCount(c.samples(), c.sampleForks())).max().orElse(0);
        return new GateDecision(rows, notCompared, maxRegression, false, forksA, candidate.size(), bootstrap);
    }

    private static Row row(CellKey key, double medianA, double medianB, RatioEstimate e, double maxRegression) {
        Outcome o = outcome(e, maxRegression);
        boolean inconclusive = o != Outcome.FAIL && e.overForks() && e.high() > 1 + maxRegression;
        return new Row(key.allocator(), key.trace(), key.metric(), medianA, medianB, e, o, inconclusive);
    }

    /** A side's point for the cell: the median of its fork medians (as every cell's, {@link Bootstrap#cell}). */
    private static double pooledMedian(List<RunResults> forks, CellKey key) {
        return Bootstrap.median(java.util.Arrays.stream(ForkRuns.forkMedians(forks, key)).filter(m -> !Double.isNaN(m))
                .toArray());
    }

    private static String missing(double[] medians, String side) {
        long n = java.util.Arrays.stream(medians).filter(Double::isNaN).count();
        return side + ": " + (n == 0 ? "measured" : n + " of " + medians.length + " forks without it");
    }

    public List<Row> rows() {
        return rows;
    }

    public List<String> notCompared() {
        return notCompared;
    }

    public List<Row> failures() {
        return rows.stream().filter(r -> r.outcome() == Outcome.FAIL).toList();
    }

    public boolean passed() {
        return failures().isEmpty();
    }

    public boolean interleaved() {
        return interleaved;
    }

    public double maxRegression() {
        return maxRegression;
    }

    /** The row with the highest interval lower bound (the closest to failing), or null. */
    public Row worst() {
        return rows.stream().filter(r -> r.estimate().hasInterval())
                .max(java.util.Comparator.comparingDouble(r -> r.estimate().low())).orElse(null);
    }

    /** "PASS" or "FAIL: 2 cells regressed beyond 5%: aset-native x small-churn 1.102 [1.081, 1.125], ...". */
    public String message() {
        if (passed()) {
            return "PASS: no cell regressed beyond " + pct(maxRegression) + " at " + RunComparison.percent(bootstrap.confidence())
                    + " confidence";
        }
        List<Row> f = failures();
        return "FAIL: " + f.size() + (f.size() == 1 ? " cell" : " cells") + " regressed beyond " + pct(maxRegression)
                + " (whole " + RunComparison.percent(bootstrap.confidence()) + " interval above "
                + String.format(Locale.ROOT, "%.3f", 1 + maxRegression) + "): "
                + f.stream().map(r -> r.key() + " " + r.estimate().format()).collect(Collectors.joining(", "));
    }

    /** The printed table. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-34s %10s %10s %8s %-18s %s%n", "cell", "baseline", "candidate", "ratio",
                RunComparison.percent(bootstrap.confidence()) + " interval", "verdict"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-34s %10.2f %10.2f %8s %-18s %s%n", r.key(), r.baselineMedian(),
                    r.candidateMedian(), RunComparison.ratio(r.estimate()), r.estimate().formatInterval(), verdict(r)));
        }
        for (String n : notCompared) {
            out.append("not compared: ").append(n).append('\n');
        }
        return out.toString();
    }

    private String verdict(Row r) {
        String v = r.outcome().label();
        if (r.inconclusive()) {
            v += " (cannot rule out > " + pct(maxRegression) + ")";
        }
        if (!r.estimate().note().isEmpty()) {
            v += "; " + r.estimate().note();
        }
        return v;
    }

    /**
     * The Markdown summary for a CI job ({@code $GITHUB_STEP_SUMMARY}):
     * verdict, setup, method, the table, and the failing cells.
     */
    public String markdown(String baselineLabel, String candidateLabel, String campaign) {
        StringBuilder out = new StringBuilder();
        String conf = RunComparison.percent(bootstrap.confidence());
        out.append("## allocbench gate: ").append(passed() ? "PASS" : "FAIL").append("\n\n");
        out.append("Candidate `").append(candidateLabel).append("` against baseline `").append(baselineLabel)
                .append("`, campaign `").append(campaign).append("`, max regression ").append(pct(maxRegression))
                .append(".\n\n");
        if (interleaved) {
            out.append(String.format(Locale.ROOT,
                    "Method: %d fork pairs run interleaved on this host (A B, B A, A B, ...). Per pair, the ratio of the"
                            + " candidate's fork median to the baseline's; the ratio below is their median,"
                            + " with a %s bootstrap interval over pairs (expanded percentile, %,d resamples, seed %d)."
                            + " A cell fails only when its whole interval lies above %.3f.%n%n",
                    baselineForks, conf, bootstrap.resamples(), bootstrap.seed(), 1 + maxRegression));
        } else {
            out.append(String.format(Locale.ROOT,
                    "Method: **not interleaved** (weaker): %d candidate forks run now, compared with a stored baseline"
                            + " run of %d fork(s) measured at another time. Ratio of the medians of fork medians,"
                            + " %s bootstrap interval resampling each side's forks (%,d resamples, seed %d);"
                            + " host drift between the runs is not cancelled. A cell fails only when its whole"
                            + " interval lies above %.3f.%n%n",
                    candidateForks, baselineForks, conf, bootstrap.resamples(), bootstrap.seed(), 1 + maxRegression));
        }
        out.append("| cell | baseline ns/op | candidate ns/op | ratio | ").append(conf).append(" interval | verdict |\n");
        out.append("|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            String v = r.outcome() == Outcome.FAIL ? "**FAIL**" : verdict(r);
            out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s | %s |%n", r.key(), r.baselineMedian(),
                    r.candidateMedian(), RunComparison.ratio(r.estimate()), r.estimate().formatInterval(), v));
        }
        out.append('\n');
        if (!passed()) {
            out.append("**Regressions beyond ").append(pct(maxRegression)).append(":**\n\n");
            for (Row r : failures()) {
                out.append("- ").append(r.key()).append(": ").append(r.estimate().format()).append('\n');
            }
            out.append('\n');
        }
        if (!notCompared.isEmpty()) {
            out.append("Not compared:\n\n");
            notCompared.forEach(n -> out.append("- ").append(n).append('\n'));
            out.append('\n');
        }
        return out.toString();
    }

    static String pct(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
