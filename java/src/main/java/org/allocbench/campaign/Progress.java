package org.allocbench.campaign;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress on stderr: what is running, cell i of n, elapsed and estimated
 * remaining time. On a terminal one line rewritten in place; otherwise (CI
 * logs, pipes) a plain line per step, at most one every few seconds unless
 * the step changes cell.
 */
public final class Progress {

    public enum Mode { TTY, PLAIN, NONE }

    private final PrintStream err;
    private final Mode mode;
    private final java.util.function.LongSupplier clock;
    private final long started;
    private long total;
    private long done;
    private String lastCell = "";
    private List<String> plan;
    private final Map<String, double[]> costs = new HashMap<>(); // key: {seconds, steps}
    private String runningKey;
    private double runningSince;
    private double lastLine;
    private boolean lineOpen;

    public Progress(PrintStream err, Mode mode) {
        this(err, mode, System::nanoTime);
    }

    /** With a clock of its own (nanoseconds), for tests. */
    Progress(PrintStream err, Mode mode, java.util.function.LongSupplier clock) {
        this.err = err;
        this.mode = mode;
        this.clock = clock;
        this.started = clock.getAsLong();
    }

    /** TTY when stderr is a terminal ({@code Console.isTerminal}), else PLAIN. */
    public static Mode detect() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? Mode.TTY : Mode.PLAIN;
    }

    public Mode mode() {
        return mode;
    }

    /** Units of work in the whole campaign (replays, weighted by nothing: the estimate is elapsed per unit). */
    public synchronized void total(long units) {
        total = units;
    }

    /**
     * The keys of every step to come, in order ({@link #step(int, int, String, String, String)}): the estimate
     * then charges each remaining step what steps of its key took so far (a JVM lane costs many times a C
     * lane), and the mean of all steps for a key not seen yet.
     */
    public synchronized void plan(List<String> keys) {
        plan = List.copyOf(keys);
        total = keys.size();
    }

    /**
     * One unit is about to run: {@code cell} of {@code cells} is the cell's position, {@code group} what a
     * plain log line is about (a new group always gets a line, otherwise one every 10 s), {@code detail} the rest.
     */
    public synchronized void step(int cell, int cells, String group, String detail) {
        step(cell, cells, group, detail, null);
    }

    /** As {@link #step(int, int, String, String)}, for a step of {@code key} in the {@link #plan}. */
    public synchronized void step(int cell, int cells, String group, String detail, String key) {
        double elapsed = (clock.getAsLong() - started) / 1e9;
        if (runningKey != null) {
            double[] c = costs.computeIfAbsent(runningKey, k -> new double[2]);
            c[0] += elapsed - runningSince;
            c[1]++;
        }
        runningKey = key;
        runningSince = elapsed;
        double left = plan != null && key != null ? planned(elapsed)
                : done == 0 ? Double.NaN : elapsed * (total - done) / done;
        String line = String.format(Locale.ROOT, "cell %d/%d: %s%s, %s elapsed, ~%s left", cell, cells, group,
                detail.isEmpty() ? "" : " " + detail, duration(elapsed), Double.isNaN(left) ? "?" : duration(left));
        done++;
        switch (mode) {
            case TTY -> {
                err.print("\r\033[K" + line);
                err.flush();
                lineOpen = true;
            }
            case PLAIN -> {
                if (!group.equals(lastCell) || elapsed - lastLine >= 10) {
                    err.println(line);
                    err.flush();
                    lastCell = group;
                    lastLine = elapsed;
                }
            }
            case NONE -> { }
        }
    }

    /** What the steps from this one on should take, by what their keys took so far; NaN before any is known. */
    private double planned(double elapsed) {
        if (done == 0) {
            return Double.NaN;
        }
        double mean = elapsed / done;
        double left = 0;
        for (int i = (int) done; i < plan.size(); i++) {
            double[] c = costs.get(plan.get(i));
            left += c == null ? mean : c[0] / c[1];
        }
        return left;
    }

    /** A message of its own (clears the progress line first). */
    public synchronized void note(String message) {
        clear();
        if (mode != Mode.NONE) {
            err.println(message);
            err.flush();
        }
    }

    public synchronized void clear() {
        if (lineOpen) {
            err.print("\r\033[K");
            err.flush();
            lineOpen = false;
        }
    }

    public double elapsedSeconds() {
        return (clock.getAsLong() - started) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
    }
}
