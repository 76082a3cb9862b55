package org.allocbench.campaign;

import java.util.List;
import org.allocbench.results.TraceSource;
import org.allocbench.trace.Workload;

/** Workloads as results.json records them ({@link TraceSource}): a built-in by name, a file by path, size, digest. */
public final class TraceSources {

    private TraceSources() {
    }

    public static List<TraceSource> of(List<Workload> workloads) {
        return workloads.stream().map(TraceSources::of).toList();
    }

    public static TraceSource of(Workload w) {
        return w.builtin() ? TraceSource.builtin(w.name())
                : TraceSource.file(w.name(), w.path().toString(), w.size(), w.sha256());
    }
}
