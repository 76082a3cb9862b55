package org.allocbench.stats;

import java.util.ArrayList;
import java.util.List;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunResults;

/**
 * Thread scaling of one lane on one trace: throughput and efficiency at each
 * thread count a run measured.
 *
 * <p>A cell of N threads holds ns per op done (an iteration's wall time over
 * the ops of all N threads), so its throughput is 1e9 / ns ops per second,
 * and its <b>efficiency</b> is throughput(N) / (N x throughput(1)) =
 * ns(1) / (N x ns(N)): 1.00 is perfect scaling, 0.50 means N threads did the
 * work of N/2. Its interval comes from {@link Bootstrap#unpaired}: the forks
 * of the two thread counts ran at different times, so nothing pairs them;
 * each side's forks are resampled on their own.
 */
public final class Scaling {

    private Scaling() {
    }

    /** One thread count's figures: the cell, its throughput (ops/s) and efficiency against one thread. */
    public record Point(int threads, Cell cell, double opsPerSecond, RatioEstimate efficiency) {

        /** Each thread's ns per op of its own: the cell's ns per op done times the threads. */
        public double nsPerOpPerThread() {
            return cell.median() * threads;
        }

        /**
         * The memory the replay added per thread, bytes: the runner's peak RSS during the trace less its RSS
         * before it (the C lanes' stats, of the cell's last fork), over the threads; NaN where not recorded.
         */
        public double addedRssPerThread() {
            Long peak = cell.stats().get("peakRssBytes");
            Long base = cell.stats().get("baseRssBytes");
            return peak == null || base == null ? Double.NaN : (peak - base) / (double) threads;
        }
    }

    /** The lane's points on the trace, by thread count (those without a usable cell left out). */
    public static List<Point> of(RunResults run, String allocator, String trace, String metric, Bootstrap bootstrap) {
        Cell one = find(run, allocator, trace, metric, 1);
        List<Point> points = new ArrayList<>();
        for (int threads : run.threadCounts()) {
            Cell c = find(run, allocator, trace, metric, threads);
            if (!usable(c)) {
                continue;
            }
            RatioEstimate efficiency = usable(one) ? efficiency(one, c, bootstrap) : null;
            points.add(new Point(threads, c, 1e9 / c.median(), efficiency));
        }
        return points;
    }

    /** ns(1) / (N x ns(N)), with the interval of the unpaired ratio ns(N) / ns(1) carried over. */
    static RatioEstimate efficiency(Cell one, Cell n, Bootstrap bootstrap) {
        int threads = n.threads();
        if (threads == 1) {
            return RatioEstimate.identity(bootstrap.confidence());
        }
        RatioEstimate slower = bootstrap.unpaired("scaling " + n.key().label(), one.samples(), one.sampleForks(),
                n.samples(), n.sampleForks());
        return new RatioEstimate(1 / (threads * slower.ratio()), 1 / (threads * slower.high()),
                1 / (threads * slower.low()), slower.confidence(), slower.method(), slower.unitsA(), slower.unitsB(),
                slower.note());
    }

    private static Cell find(RunResults run, String allocator, String trace, String metric, int threads) {
        return run.cell(new CellKey(allocator, trace, metric, threads, 1));
    }

    private static boolean usable(Cell c) {
        return c != null && Cell.OK.equals(c.status()) && c.median() != null && c.median() > 0;
    }
}
