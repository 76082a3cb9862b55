package org.allocbench.campaign;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.allocbench.results.Cell;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.RatioEstimate;
import org.allocbench.stats.Scaling;

/**
 * The terminal tables of a run measured at several thread counts (the scale
 * campaign): per trace and view (whole trace in C, per-op from Java), one row
 * per lane with, at each thread count, the throughput over all threads and the
 * efficiency against one thread with its interval ({@link Scaling}), and for
 * the C lanes the memory the replay added per replay thread (the runner's peak
 * RSS during the trace less its RSS before it) at one thread and at the most,
 * where glibc's per-thread arenas show.
 */
final class ScalingTables {

    private ScalingTables() {
    }

    static void print(PrintWriter out, RunResults run) {
        List<Integer> counts = run.threadCounts();
        out.printf("Thread scaling: %s threads, each replaying the whole trace with its own context (the malloc"
                + " peers share their process's heap); Mops/s over all threads (ns per op of each thread's own);"
                + " eff = throughput / (threads x one thread's), 1.00 = perfect, [95%% CI] over forks (unpaired); a"
                + " machine with %d CPUs shows the curve's shape up to %d threads only%n%n", counts.stream().map(String::valueOf)
                .reduce((a, b) -> a + ", " + b).orElse("1"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors());
        for (String trace : run.traces()) {
            table(out, run, trace, Cell.WHOLE_TRACE, "whole trace in C (a pthread per replay thread)", counts);
            table(out, run, trace, Cell.REPLAY, "per-op from Java (a JVM thread per replay thread)", counts);
        }
    }

    private static void table(PrintWriter out, RunResults run, String trace, String metric, String title,
            List<Integer> counts) {
        List<String> lanes = run.cells().stream().filter(c -> c.trace().equals(trace) && c.metric().equals(metric))
                .map(Cell::allocator).distinct().toList();
        if (lanes.isEmpty()) {
            return;
        }
        int max = counts.get(counts.size() - 1);
        boolean memory = metric.equals(Cell.WHOLE_TRACE);
        out.printf("  %s: %s%n  %-18s", trace, title, "lane");
        for (int n : counts) {
            out.printf(" %33s", n + (n == 1 ? " thread" : " threads"));
        }
        out.printf(memory ? " %26s%n" : "%n", "added RSS/thread 1|" + max);
        for (String lane : lanes) {
            List<Scaling.Point> points = Scaling.of(run, lane, trace, metric, Bootstrap.DEFAULT);
            if (points.isEmpty()) {
                continue;
            }
            out.printf("  %-18s", lane);
            for (int n : counts) {
                Scaling.Point p = points.stream().filter(x -> x.threads() == n).findFirst().orElse(null);
                out.printf(" %33s", p == null ? "-" : cell(p));
            }
            if (memory) {
                out.printf(" %26s", rssPerThread(points, 1) + " | " + rssPerThread(points, max));
            }
            out.println();
        }
        out.println();
    }

    /** "321.4 (6.2) 0.95 [0.90,1.01]": Mops/s, ns/op per thread, the efficiency and its interval (not at 1). */
    private static String cell(Scaling.Point p) {
        String mops = String.format(Locale.ROOT, "%.1f (%.1f)", p.opsPerSecond() / 1e6, p.nsPerOpPerThread());
        RatioEstimate e = p.efficiency();
        if (p.threads() == 1 || e == null) {
            return mops;
        }
        return mops + String.format(Locale.ROOT, " %.2f", e.ratio()) + (e.hasInterval()
                ? String.format(Locale.ROOT, " [%.2f,%.2f]%s", e.low(), e.high(), e.overForks() ? "" : "~") : "");
    }

    private static String rssPerThread(List<Scaling.Point> points, int threads) {
        return points.stream().filter(p -> p.threads() == threads && !Double.isNaN(p.addedRssPerThread()))
                .map(p -> String.format(Locale.ROOT, "%.0f KiB", p.addedRssPerThread() / 1024)).findFirst()
                .orElse("-");
    }
}
