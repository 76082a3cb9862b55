package org.allocbench.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeLibrary;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.trace.OpSequence;

/**
 * Runs one whole-trace C lane ({@link WholeTraceLane}) over some traces in a
 * fresh process: the runner program {@code allocbench-replay}
 * (native/runner/allocbench_replay.c), which loads the bundled
 * {@code liballocbench.so} (or a variant) and calls its replay loop, so no
 * allocator inherits another's heap and the figures carry no FFM call per op.
 *
 * <p>The runner and the library are copied out of the jar, with the traces
 * (as encoded ops), into a private directory ({@code allocbench-replay-*});
 * the runner loads everything, says it is ready, and the directory is deleted
 * before it is told to start, within milliseconds, so a kill of this JVM
 * leaves nothing behind unless it lands in those milliseconds (the directory's
 * name says whose it is). The runner's standard input stays open while it
 * works and it ends itself when it closes, so it never outlives this JVM.
 * Its environment pins glibc's malloc thresholds ({@link GlibcMalloc}) and,
 * for a malloc peer, preloads it; its standard error is read as it comes
 * ({@link ChildStderr}) for the failure messages.
 */
public final class WholeTraceRunner {

    static final String PROGRAM = "allocbench-replay";
    static final String DIRECTORY_PREFIX = "allocbench-replay-";

    private WholeTraceRunner() {
    }

    /** The runner failed: the message names the lane and says what the runner said. */
    public static final class RunnerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunnerException(String message) {
            super(message);
        }
    }

    /**
     * {@code lane} as a {@link ReplayLane}: each replay a fresh process, one
     * untimed warm-up iteration, then the iterations asked for.
     */
    public static ReplayLane lane(WholeTraceLane lane) {
        return (ops, slots, iterations) -> run(lane,
                List.of(new OpSequence(lane.laneName(), slots, ops)), iterations + 1).get(0).from(1);
    }

    /**
     * Replays each trace {@code iterations} times through {@code lane}, in one
     * fresh process, traces in the order given; one result per trace, every
     * iteration included (drop warm-up iterations with {@link LaneResult#from}).
     */
    public static List<LaneResult> run(WholeTraceLane lane, List<OpSequence> traces, int iterations) {
        return run(lane, traces, iterations, 1);
    }

    /**
     * As {@link #run(WholeTraceLane, List, int)} with {@code threads} replay threads per trace, each replaying
     * the whole trace with its own context at once (made once per trace, released together for each
     * iteration: native/runner/scaled_replay.c); a result's ops are the trace's times {@code threads}.
     */
    public static List<LaneResult> run(WholeTraceLane lane, List<OpSequence> traces, int iterations, int threads) {
        String unavailable = lane.unavailableReason();
        if (unavailable != null) {
            throw new RunnerException(lane.laneName() + " cannot run here: " + unavailable);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
        }
        Path dir = PrivateTemp.directory(DIRECTORY_PREFIX);
        Process child = null;
        try {
            List<String> command = new ArrayList<>(List.of(BundledFiles.copy(PROGRAM, dir, true).toString()));
            if (threads > 1) {
                command.addAll(List.of("--threads", Integer.toString(threads)));
            }
            command.addAll(List.of(library(lane, dir).toString(), lane.runnerLane(), Integer.toString(iterations)));
            for (int k = 0; k < traces.size(); k++) {
                OpSequence t = traces.get(k);
                command.add(t.writeEncoded(dir.resolve(k + ".ops")) + ":" + t.slots());
            }
            ProcessBuilder builder = new ProcessBuilder(command);
            GlibcMalloc.environment(builder.environment());
            if (lane.preload() != null) {
                builder.environment().put("LD_PRELOAD", lane.preload());
            }
            try {
                child = builder.start();
            } catch (IOException e) {
                throw new RunnerException(lane.laneName() + ": cannot start " + PROGRAM + " from " + dir + ": "
                        + e.getMessage() + " (if " + dir.getParent() + " is mounted noexec, start allocbench with"
                        + " -Djava.io.tmpdir=DIR on a file system that is not)");
            }
            return supervise(lane, traces, threads, child, ChildStderr.drain(child), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(lane.laneName() + ": cannot run " + PROGRAM + ": " + e.getMessage(), e);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
            PrivateTemp.delete(dir);
        }
    }

    /**
     * The library the runner loads: the bundled one, or for the main library the file the JVM was told to
     * load instead ({@value NativeLibrary#PATH_PROPERTY}), so the C lanes run the same code as this JVM.
     */
    private static Path library(WholeTraceLane lane, Path dir) throws IOException {
        String override = System.getProperty(NativeLibrary.PATH_PROPERTY);
        if (override != null && lane.library().equals("liballocbench.so")) {
            return java.nio.file.Files.copy(Path.of(override), dir.resolve(lane.library()));
        }
        return BundledFiles.copy(lane.library(), dir, false);
    }

    /**
     * Waits for "ready", deletes the directory (the runner has loaded the library and copied the traces into
     * memory), starts it, and reads its results. Its standard input stays open until it is done: the runner
     * ends itself when it closes, so it never outlives this JVM.
     */
    private static List<LaneResult> supervise(WholeTraceLane lane, List<OpSequence> traces, int threads,
            Process child, ChildStderr stderr, Path dir) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try (OutputStream go = child.getOutputStream()) {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new RunnerException(lane.laneName() + ": " + PROGRAM + " did not start (exit status "
                        + waitFor(child) + ")" + stderr.tail());
            }
            PrivateTemp.delete(dir); // nothing on disk is needed any more
            go.write('g');
            go.flush();
            List<LaneResult> results = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("result ")) {
                    results.add(parse(line, traces, threads));
                } else if (line.startsWith("notapplicable ")) {
                    String[] f = line.split(" ", 3);
                    throw new NotApplicable(f[2] + " (trace " + traces.get(Integer.parseInt(f[1])).name() + ")");
                } else if (line.startsWith("error ")) {
                    throw new RunnerException(lane.laneName() + ": " + line.substring(line.indexOf(' ', 6) + 1)
                            + " (trace " + traces.get(Integer.parseInt(line.split(" ")[1])).name() + ")");
                } else if (line.equals("done")) {
                    break;
                }
            }
            int exit = waitFor(child);
            if (exit != 0 || results.size() != traces.size()) {
                throw new RunnerException(lane.laneName() + ": " + PROGRAM + " exited with status " + exit + " after "
                        + results.size() + " of " + traces.size() + " traces" + stderr.tail());
            }
            return results;
        }
    }

    /** "result K ns N1,N2 minflt F1,F2 stats T,B,FC,F,U rss R hwm H base B [threadns T1,.. created C start S]" */
    static LaneResult parse(String line, List<OpSequence> traces, int threads) {
        String[] f = line.split(" ");
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        for (int i = 2; i + 1 < f.length; i += 2) {
            fields.put(f[i], f[i + 1]);
        }
        OpSequence trace = traces.get(Integer.parseInt(f[1]));
        long[] stats = longs(fields.get("stats"));
        MemoryContextCounters counters = stats[0] == 0 ? null
                : new MemoryContextCounters(stats[1], stats[2], stats[0], stats[3], stats[4]);
        long rss = Long.parseLong(fields.getOrDefault("rss", "0"));
        long peak = Math.max(rss, Long.parseLong(fields.getOrDefault("hwm", "0"))); // VmHWM is updated lazily
        long base = Math.min(peak, Long.parseLong(fields.getOrDefault("base", "0")));
        LaneResult.RunnerProcess process = threads == 1 ? LaneResult.RunnerProcess.memory(base, rss, peak)
                : new LaneResult.RunnerProcess(base, rss, peak, threads, longs(fields.get("threadns")),
                        Long.parseLong(fields.get("created")), Long.parseLong(fields.get("start")));
        return new LaneResult(longs(fields.get("ns")), longs(fields.get("minflt")),
                Math.max(1, trace.length()) * threads, counters, process);
    }

    private static long[] longs(String csv) {
        return ChildProtocol.longs(csv);
    }

    private static int waitFor(Process child) {
        return ChildProtocol.waitFor(child, PROGRAM);
    }
}
