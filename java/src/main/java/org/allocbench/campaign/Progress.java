package org.allocbench.campaign;

import java.io.PrintStream;
import java.util.Locale;

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
    private final long started = System.nanoTime();
    private long total;
    private long done;
    private String lastCell = "";
    private double lastLine;
    private boolean lineOpen;

    public Progress(PrintStream err, Mode mode) {
        this.err = err;
        this.mode = mode;
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
     * One unit is about to run: {@code cell} of {@code cells} is the cell's position, {@code group} what a
     * plain log line is about (a new group always gets a line, otherwise one every 10 s), {@code detail} the rest.
     */
    public synchronized void step(int cell, int cells, String group, String detail) {
        double elapsed = (System.nanoTime() - started) / 1e9;
        double left = done == 0 ? Double.NaN : elapsed * (total - done) / done;
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
        return (System.nanoTime() - started) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
    }
}
