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
     * {@code settings.traces} (where each trace came from); 1.0 files read as runs of built-ins.
     */
    public static final String SCHEMA = "allocbench-results/1.1";

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

    /** The cell of allocator x trace x metric, or null. */
    public Cell cell(String allocator, String trace, String metric) {
        for (Cell c : cells) {
            if (c.allocator().equals(allocator) && c.trace().equals(trace) && c.metric().equals(metric)) {
                return c;
            }
        }
        return null;
    }

    /** The cell with this key, or null. */
    public Cell cell(CellKey key) {
        return cell(key.allocator(), key.trace(), key.metric());
    }
}
