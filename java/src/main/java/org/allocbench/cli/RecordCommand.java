package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.allocbench.capture.Conversion;
import org.allocbench.capture.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench record -o FILE [--no-baseline] [--] COMMAND [ARGS...]}: records a program's heap
 * operations into a version 2 trace ({@link Recorder}; docs/recording.md), then says what it wrote and
 * what recording cost. The command's own standard streams are its own; the summary goes to standard
 * error (as time(1) does), so the command's output can still be piped. The exit status is the command's.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Record a program's heap operations (malloc, calloc, realloc, free, aligned allocations;"
                + " every thread) into a version 2 trace.",
            "  allocbench record -o FILE [--no-baseline] [--raw-dir DIR] [--] COMMAND [ARGS...]",
            "The command runs with liballocbench-record.so preloaded; its input and output are its own, and"
                + " allocbench exits with its exit status. A summary goes to standard error: ops by kind,"
                + " threads, peak live chunks, what was dropped, the trace's size, and the time the command"
                + " took with and without recording.",
            "For that comparison the command runs a second time without the library (after the recording,"
                + " its input /dev/null, its output discarded), so it must be repeatable and harmless to run"
                + " twice, and should take its input from files, not standard input; --no-baseline skips that"
                + " run.",
            "Only the command's own process is recorded (and what it execs in its place); processes it forks"
                + " are not. Statically linked and set-user-ID programs cannot be recorded (they ignore"
                + " LD_PRELOAD)."})
final class RecordCommand implements Callable<Integer> {

    private CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The trace to write (gzip if it ends in .gz).")
    private Path output;

    @Option(names = "--no-baseline", description = "Do not run the command a second time to time it without"
            + " recording.")
    private boolean noBaseline;

    @Option(names = "--raw-dir", paramLabel = "DIR", description = "Where the raw recording goes while the command"
            + " runs (32 bytes per call, removed after the conversion; default: the temporary directory, which may"
            + " be in memory).")
    private Path rawDir;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    private List<String> command;

    /** Injected by picocli: everything from the command's name on belongs to the command, its options too. */
    @Spec
    void spec(CommandSpec commandSpec) {
        this.spec = commandSpec;
        commandSpec.parser().stopAtPositional(true);
    }

    @Override
    public Integer call() throws IOException {
        // found now, not after the command ran: the trace is written into an existing directory
        String problem = OutputPaths.newFileInExistingDirectoryProblem(output);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "-o: " + problem);
        }
        if (rawDir != null && !Files.isDirectory(rawDir)) {
            throw new ParameterException(spec.commandLine(), "--raw-dir: " + rawDir + ": no such directory");
        }
        if (rawDir != null && !Files.isWritable(rawDir)) {
            throw new ParameterException(spec.commandLine(), "--raw-dir: cannot write " + rawDir);
        }
        String missing = commandProblem(command.get(0));
        if (missing != null) {
            throw new ParameterException(spec.commandLine(), missing);
        }
        Recorder.Result result = Recorder.record(command, output, Recorder.Streams.inherit(), !noBaseline,
                rawDir);
        PrintWriter err = spec.commandLine().getErr();
        summary(err, output, result);
        String input = result.baseline() == null ? null : redirectedInput();
        if (input != null) {
            err.println("  note      standard input (" + input + ") went to the recorded run; the run without"
                    + " recording read /dev/null, so the two times may not compare: give the command its input as a"
                    + " file argument");
        }
        err.flush();
        return result.recorded().exitStatus();
    }

    /**
     * Why the command cannot be run, or null: found on PATH (or at the path given) and executable, as
     * execvp would find it, so "not found" is said before anything runs.
     */
    static String commandProblem(String name) {
        if (name.isEmpty()) {
            return "the command is empty";
        }
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.exists(p)) {
                return name + ": no such file";
            }
            return Files.isDirectory(p) ? name + ": is a directory"
                    : Files.isExecutable(p) ? null : name + ": not executable";
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return null;
            }
        }
        return "command not found: " + name;
    }

    /** What standard input is when it is a file or a pipe (the baseline cannot read it again), else null. */
    private static String redirectedInput() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.equals("/dev/null") || target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
                    ? null : target;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // no /proc: say nothing rather than guess
        }
    }

    /** The summary on standard error. */
    static void summary(PrintWriter out, Path output, Recorder.Result r) {
        Conversion c = r.conversion();
        out.printf(Locale.ROOT, "allocbench record: %s (pid %d) exited with status %d%s%n",
                c.executable().isEmpty() ? "the command" : c.executable(), c.pid(), r.recorded().exitStatus(),
                r.recorded().exitStatus() == 0 ? "" : " (converted all the same)");
        out.printf(Locale.ROOT, "  trace     %s: %,d bytes, format version 2%n", output, c.bytes());
        out.printf(Locale.ROOT, "  ops       %,d: a %,d, z %,d, r %,d, f %,d, c %,d (a context per trace thread)%n",
                c.ops(), c.allocs(), c.zeroed(), c.reallocs(), c.frees(), c.contexts());
        out.printf(Locale.ROOT, "  threads   %,d recorded, %,d in the trace%s%s%n", c.recordedThreads(),
                c.traceThreads(), c.reused() == 0 ? "" : String.format(Locale.ROOT,
                        "; %,d started after 256 had, on the trace thread of one that had ended", c.reused()),
                c.folded() == 0 ? "" : String.format(Locale.ROOT,
                        "; warning: %,d folded onto busy trace threads (more than 256 ran at once)", c.folded()));
        out.printf(Locale.ROOT, "  live      peak %,d chunks, %,d slots%n", c.peakLive(), c.slots());
        out.printf(Locale.ROOT, "  changed   %,d aligned allocations as a (alignment lost%s), %,d size-0"
                + " allocations as size 1, %,d reallocs of unrecorded pointers as a%n", c.aligned(),
                c.aligned() == 0 ? "" : ", largest " + c.maxAlignment(), c.zeroSize(), c.unknownReallocs());
        out.printf(Locale.ROOT, "  dropped   %,d frees of pointers allocated before recording started, %,d"
                + " allocations above 1 GiB - 1 (with their frees)%n", c.unknownFrees(), c.hugeDropped());
        if (c.lostFrees() > 0) {
            out.printf(Locale.ROOT, "  repaired  %,d frees that went unrecorded, written where the pointer came"
                    + " back%n", c.lostFrees());
        }
        if (c.forks() > 0) {
            out.printf(Locale.ROOT, "  forks     %,d (the children were not recorded)%n", c.forks());
        }
        if (!r.others().isEmpty()) {
            // an exec chain (a wrapper script, env, a version manager's shim): only the last image is converted
            StringBuilder chain = new StringBuilder();
            long dropped = 0;
            for (Recorder.Image other : r.others()) {
                chain.append(Path.of(other.executable().isEmpty() ? "?" : other.executable()).getFileName())
                        .append(" -> ");
                dropped += other.records();
            }
            chain.append(Path.of(c.executable().isEmpty() ? "?" : c.executable()).getFileName());
            out.printf(Locale.ROOT, "  execs     %s: only the last is in the trace (%,d records of the others"
                    + " left out)%n", chain, dropped);
        }
        if (!c.exited()) {
            out.println("  warning   the recording is incomplete: the command ended without its exit handlers"
                    + " (killed, _exit or exec), or the recorder stopped (its message is above): each thread's last"
                    + " records (up to 4096) are missing");
        }
        if (c.damage() != null) {
            out.println("  warning   the raw recording is damaged: " + c.damage() + "; converted up to there");
        }
        if (c.ops() > Integer.MAX_VALUE - 8) {
            out.println("  warning   more ops than a trace reader takes (2^31 - 9): record a shorter run");
        }
        if (r.baseline() == null) {
            out.printf(Locale.ROOT, "  time      %.3f s with recording (no run without: --no-baseline)%n",
                    r.recorded().wallNanos() / 1e9);
        } else {
            out.printf(Locale.ROOT, "  time      %.3f s with recording, %.3f s without: %.2fx (one run each)%s%n",
                    r.recorded().wallNanos() / 1e9, r.baseline().wallNanos() / 1e9,
                    r.recorded().wallNanos() / (double) Math.max(1, r.baseline().wallNanos()),
                    r.baseline().exitStatus() == r.recorded().exitStatus() ? "" : String.format(Locale.ROOT,
                            "; warning: without recording it exited with status %d", r.baseline().exitStatus()));
        }
    }
}
