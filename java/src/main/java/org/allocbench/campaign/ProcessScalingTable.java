package org.allocbench.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.results.RunResults;

/**
 * The terminal tables of {@code allocbench hugepages --processes}: page-table
 * memory by segment (kind/mapping) and process count, measured beside the
 * x86-64 expectation, then what each process paid to attach, touch and replay.
 */
public final class ProcessScalingTable {

    private ProcessScalingTable() {
    }

    public static List<String> lines(RunResults run) {
        List<String> out = new ArrayList<>();
        List<Integer> counts = run.processCounts();
        List<String> lanes = run.cells().stream().filter(c -> c.metric().equals(Cell.SEGMENT_PTE))
                .map(Cell::allocator).distinct().toList();
        if (lanes.isEmpty()) {
            return out;
        }
        String trace = run.traces().get(0);
        out.add("Page tables for the segment, per process: VmPTE with every process attached and touched, less the"
                + " process's VmPTE before it attached (median over processes, /proc/PID/status); expected: 8 bytes"
                + " per page in 4 KiB tables");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s", "segment"));
        counts.forEach(n -> head.append(String.format(Locale.ROOT, " %12s", n + (n == 1 ? " process" : " procs"))));
        head.append(String.format(Locale.ROOT, " %12s %24s", "expected", "PageTables +, " + last(counts) + " procs"));
        out.add(head.toString());
        for (String lane : lanes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s", lane));
            Long expected = null;
            for (int n : counts) {
                Cell c = cell(run, lane, trace, Cell.SEGMENT_PTE, n);
                row.append(String.format(Locale.ROOT, " %12s", c == null || c.median() == null ? "-"
                        : bytes(c.median())));
                if (c != null && c.stats().get("expectedBytes") != null) {
                    expected = c.stats().get("expectedBytes");
                }
            }
            Cell total = cell(run, lane, trace, Cell.PAGE_TABLES, last(counts));
            row.append(String.format(Locale.ROOT, " %12s %24s", expected == null ? "-" : bytes(expected),
                    total == null || total.median() == null ? "-" : bytes(total.median())));
            out.add(row.toString());
        }
        out.add("");
        out.add("Each process's cost, median over processes [95% CI over processes]: attach (shm_open+mmap or shmat;"
                + " anonymous: inherited), first touch of the whole segment (one write per 4 KiB) and its minor"
                + " faults, and the trace (" + trace + ") replayed through its own AllocSet");
        out.add(String.format(Locale.ROOT, "%-14s %7s %12s %26s %14s %24s", "segment", "procs", "attach us",
                "first touch ms", "faults", "replay ns/op"));
        for (String lane : lanes) {
            for (int n : counts) {
                Cell touch = cell(run, lane, trace, Cell.FIRST_TOUCH, n);
                if (touch == null || touch.median() == null) {
                    Cell failed = cell(run, lane, trace, Cell.SEGMENT_PTE, n);
                    out.add(String.format(Locale.ROOT, "%-14s %7d  %s", lane, n,
                            failed == null ? "not run" : failed.status() + ": " + failed.reason()));
                    continue;
                }
                Cell attach = cell(run, lane, trace, Cell.ATTACH, n);
                Cell faults = cell(run, lane, trace, Cell.TOUCH_FAULTS, n);
                Cell replay = cell(run, lane, trace, Cell.WHOLE_TRACE, n);
                out.add(String.format(Locale.ROOT, "%-14s %7d %12s %26s %,14.0f %24s", lane, n,
                        lane.startsWith("anonymous/") ? "inherited" : String.format(Locale.ROOT, "%.1f",
                                attach.median() / 1e3), interval(touch, 1e-6, "%.1f"), faults.median(),
                        interval(replay, 1, "%.1f")));
            }
        }
        return out;
    }

    private static int last(List<Integer> counts) {
        return counts.get(counts.size() - 1);
    }

    private static Cell cell(RunResults run, String lane, String trace, String metric, int processes) {
        return run.cell(new CellKey(lane, trace, metric, 1, processes));
    }

    private static String interval(Cell c, double scale, String format) {
        if (c == null || c.median() == null) {
            return "-";
        }
        String point = String.format(Locale.ROOT, format, c.median() * scale);
        return c.ciLow() == null ? point : point + String.format(Locale.ROOT, " [" + format + "," + format + "]",
                c.ciLow() * scale, c.ciHigh() * scale);
    }

    static String bytes(double b) {
        return org.allocbench.report.Numbers.bytes(b);
    }
}
