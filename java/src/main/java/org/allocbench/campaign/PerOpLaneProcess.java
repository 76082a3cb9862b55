package org.allocbench.campaign;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.replay.ChildStderr;
import org.allocbench.results.ResultsStore;
import org.allocbench.trace.OpSequence;

/**
 * Runs one per-op lane in a child JVM ({@link LaneWorker}): the same java,
 * JVM flags and class path as this one, glibc's malloc thresholds pinned in
 * its environment. The request goes in on its standard input, the response
 * comes back on its standard output; its standard input stays open until it
 * has answered, so it dies with this JVM if this JVM dies first.
 */
final class PerOpLaneProcess {

    /** The worker failed: the message names the lane and carries the end of its stderr. */
    static final class LaneFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LaneFailedException(String message) {
            super(message);
        }
    }

    private PerOpLaneProcess() {
    }

    /** The command that starts a worker JVM. */
    static List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent:")) { // a debugger or coverage
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LaneWorker.class.getName()));
        return cmd;
    }

    /** Runs {@code request} over {@code traces} (named as in the request) in a fresh worker JVM; its response. */
    static LaneWorker.Response run(LaneWorker.Request request, List<OpSequence> traces) {
        ProcessBuilder builder = new ProcessBuilder(command());
        GlibcMalloc.environment(builder.environment());
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for lane " + request.lane() + ": " + e.getMessage(), e);
        }
        ChildStderr stderr = ChildStderr.drain(child);
        try (DataOutputStream in = new DataOutputStream(new BufferedOutputStream(child.getOutputStream(), 1 << 16));
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            in.write((ResultsStore.oneLine(request) + "\n").getBytes(StandardCharsets.UTF_8));
            for (OpSequence t : traces) {
                t.writeTo(in);
            }
            in.flush();
            String response = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(LaneWorker.RESULT_MARK)) {
                    response = line.substring(LaneWorker.RESULT_MARK.length());
                }
            }
            int exit = child.waitFor();
            if (response == null || exit != 0) {
                throw new LaneFailedException("the JVM of lane " + request.lane() + " exited with status " + exit
                        + (response == null ? " and no result" : "") + stderr.tail());
            }
            return ResultsStore.json().readValue(response, LaneWorker.Response.class);
        } catch (IOException e) {
            throw new UncheckedIOException("lane " + request.lane() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while lane " + request.lane() + " ran", e);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }
}
