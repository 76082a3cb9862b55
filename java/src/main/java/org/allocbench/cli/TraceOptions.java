package org.allocbench.cli;

import java.util.AbstractList;
import java.util.List;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one spelling of "which traces" for every command that replays them: {@code --traces NAME[,NAME...]},
 * each a built-in name, a trace file or a directory of them ({@link Workloads}; {@link #workloads()}).
 *
 * Why a mixin: the commands grew {@code --traces}, {@code --trace}, {@code --pattern} and {@code --patterns}
 * for the same question. Those old names still work for one release (hidden from help; using one prints a
 * note naming the new spelling), then go.
 *
 * Each command gives its own default through the constructor. picocli shows a field's initial value as
 * {@code ${DEFAULT-VALUE}} through its {@code toString()}, so the default list is one that prints itself as
 * the user types it ("small-churn,per-tuple-batches"), and a command whose default is not a fixed list
 * (run: the campaign's traces) passes an empty one that says so.
 */
public final class TraceOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--traces", split = ",", paramLabel = "TRACE",
            description = "Traces, comma-separated: built-in names, trace files or directories (default:"
                    + " ${DEFAULT-VALUE}).")
    private List<String> traces;

    @Option(names = {"--trace", "--pattern", "--patterns"}, split = ",", paramLabel = "NAME", hidden = true,
            description = "Old names of --traces, kept for one release.")
    private List<String> renamed;

    private boolean noted;

    /** The default is {@code names}; none (an empty list) means the command decides, described by {@code absent}. */
    private TraceOptions(List<String> names, String absent) {
        this.traces = new Shown(names, absent);
    }

    /** Default traces, in the order given. */
    public static TraceOptions defaulting(String... names) {
        return new TraceOptions(List.of(names), "");
    }

    /** No default list: {@link #names()} is empty unless the user names traces; help shows {@code description}. */
    public static TraceOptions defaultDescribedAs(String description) {
        return new TraceOptions(List.of(), description);
    }

    /** The traces the user named (under any spelling), or the command's default. */
    public List<String> names() {
        if (renamed == null) {
            return List.copyOf(traces);
        }
        if (!noted) { // once, however often the command asks
            noted = true;
            command.commandLine().getErr().println("allocbench " + command.name()
                    + ": note: --trace, --pattern and --patterns are now --traces; the old names go in the next"
                    + " release");
        }
        return List.copyOf(renamed);
    }

    /**
     * The workloads of {@link #names()}: every file read and validated now, before anything is timed.
     *
     * @throws IllegalArgumentException one line: an unknown name, a bad file ({@code file:line: problem}), a clash
     */
    public List<Workload> workloads() {
        return Workloads.resolveAll(names());
    }

    /**
     * {@link #workloads()}; if {@code opsGiven} and some are files, a note (once) that files replay their own ops.
     */
    public List<Workload> workloads(boolean opsGiven) {
        List<Workload> w = workloads();
        String note = opsGiven ? Workloads.opsIgnoredNote(w) : null;
        if (note != null) {
            command.commandLine().getErr().println("allocbench " + command.name() + ": " + note);
        }
        return w;
    }

    /** Whether the user named traces (the command's default is not in use). */
    public boolean given() {
        return renamed != null || !(traces instanceof Shown);
    }

    /** An unmodifiable list that prints as a command line would spell it, for picocli's help text. */
    private static final class Shown extends AbstractList<String> {
        private final List<String> names;
        private final String absent;

        Shown(List<String> names, String absent) {
            this.names = names;
            this.absent = absent;
        }

        @Override
        public String get(int index) {
            return names.get(index);
        }

        @Override
        public int size() {
            return names.size();
        }

        @Override
        public String toString() {
            return names.isEmpty() ? absent : String.join(",", names);
        }
    }
}
