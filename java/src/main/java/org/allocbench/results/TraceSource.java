package org.allocbench.results;

/**
 * Where a run's trace came from (schema 1.1, {@code settings.traces}): {@code origin} {@value #BUILTIN} (a
 * generated pattern: ops and seed in the settings make it again) or {@value #FILE} (a trace file: its absolute
 * {@code path}, {@code size} in bytes and {@code sha256}, lower-case hex, of the bytes that were replayed).
 * {@code name} is the trace name the cells use.
 */
public record TraceSource(String name, String origin, String path, Long size, String sha256) {

    public static final String BUILTIN = "builtin";
    public static final String FILE = "file";

    public static TraceSource builtin(String name) {
        return new TraceSource(name, BUILTIN, null, null, null);
    }

    public static TraceSource file(String name, String path, long size, String sha256) {
        return new TraceSource(name, FILE, path, size, sha256);
    }
}
