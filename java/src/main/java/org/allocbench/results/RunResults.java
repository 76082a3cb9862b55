package org.allocbench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured: what ran ({@link RunInfo}), where ({@code environment}:
 * the facts that decide the numbers, free-form), with which settings, and one
 * {@link Cell} per allocator x trace (x metric). Immutable; a runner appends a
 * finished cell with {@link #withCell} and writes the new value.
 */
public record RunResults(String schema, RunInfo run, Map<String, Object> environment, Settings settings,
        List<Cell> cells) {

    /**
     * The version of the format; readers refuse other major versions with a clear message. 1.1 added
     * {@code settings.traces} (where each trace came from); 1.0 files read as runs of built-ins. 1.2 added
     * the cells' {@code threads} and {@code processes}; older files read as their settings' threads and 1
     * process ({@link #withScaleOfOlderSchema}). 1.3 added the cells' {@code host} (a run merged from several
     * hosts' runs) and the environment's {@code hosts}.
     */
    public static final String SCHEMA = "allocbench-results/1.3";

    public RunResults {
        cells = copyOf("cells", cells);
        // insertion order kept (the JSON reads in the writer's order) and null facts allowed ("unknown")
        environment = environment == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }

    /**
     * An unmodifiable copy (empty for null); a null element is an error that names
     * the field and index, since a results file from elsewhere can hold one.
     */
    static <T> List<T> copyOf(String field, List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) { // not indexOf(null): immutable lists throw on that
            if (list.get(i) == null) {
                throw new IllegalArgumentException(field + "[" + i + "] is null");
            }
        }
        return List.copyOf(list);
    }

    public static RunResults start(RunInfo run, Map<String, Object> environment, Settings settings) {
        return new RunResults(SCHEMA, run, environment, settings, List.of());
    }

    public RunResults withCell(Cell cell) {
        List<Cell> more = new ArrayList<>(cells);
        more.add(cell);
        return new RunResults(schema, run, environment, settings, more);
    }

    public RunResults withRun(RunInfo newRun) {
        return new RunResults(schema, newRun, environment, settings, cells);
    }

    /** The traces of the run's cells, in the order they first appear. */
    public List<String> traces() {
        return cells.stream().map(Cell::trace).distinct().toList();
    }

    /**
     * The cell of allocator x trace x metric, or null; in a run of several thread or process counts, the one of
     * the fewest (see {@link #atScale} for the others).
     */
    public Cell cell(String allocator, String trace, String metric) {
        Cell found = null;
        for (Cell c : cells) {
            if (c.allocator().equals(allocator) && c.trace().equals(trace) && c.metric().equals(metric)
                    && (found == null || c.threads() * c.processes() < found.threads() * found.processes())) {
                found = c;
            }
        }
        return found;
    }

    /** The hosts of a merged run's cells in the order they first appear; empty in a run of one host. */
    public List<String> hosts() {
        return cells.stream().map(Cell::host).filter(java.util.Objects::nonNull).distinct().toList();
    }

    /** This run with only the cells measured on {@code host} (as a run of one host: their host cleared). */
    public RunResults onHost(String host) {
        return new RunResults(schema, run, environment, settings, cells.stream()
                .filter(c -> host.equals(c.host())).map(c -> c.onHost(null, "")).toList());
    }

    /** The thread counts of the run's cells, ascending (one element, 1, in most runs). */
    public List<Integer> threadCounts() {
        return cells.stream().map(Cell::threads).distinct().sorted().toList();
    }

    /** The process counts of the run's cells, ascending. */
    public List<Integer> processCounts() {
        return cells.stream().map(Cell::processes).distinct().sorted().toList();
    }

    /**
     * The cells the comparisons of allocators see (rankings, ratios, the tables per trace): in a run of several
     * thread or process counts, those of the fewest threads in one process; otherwise the run itself.
     */
    public RunResults comparable() {
        return threadCounts().size() > 1 || processCounts().size() > 1 ? atScale(threadCounts().get(0), 1) : this;
    }

    /** This run with only the cells of {@code threads} threads in {@code processes} processes. */
    public RunResults atScale(int threads, int processes) {
        return new RunResults(schema, run, environment, settings,
                cells.stream().filter(c -> c.threads() == threads && c.processes() == processes).toList());
    }

    /**
     * A file of schema 1.0 or 1.1 recorded threads only in its settings: its cells ran with those threads (and
     * one process). Newer files are returned as they are.
     */
    RunResults withScaleOfOlderSchema() {
        boolean older = schema != null && (schema.equals("allocbench-results/1.0")
                || schema.equals("allocbench-results/1.1") || schema.equals("allocbench-results/1"));
        if (!older || settings == null || settings.threads() <= 1) {
            return this;
        }
        return new RunResults(schema, run, environment, settings,
                cells.stream().map(c -> c.at(settings.threads(), 1)).toList());
    }

    /** The cell with this key, or null. */
    public Cell cell(CellKey key) {
        for (Cell c : cells) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }
}
