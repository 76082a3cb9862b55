package org.allocbench.campaign;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.allocbench.owned.JvmLauncher;
import org.allocbench.replay.ChildStderr;
import org.allocbench.results.ResultsStore;
import org.allocbench.trace.OpSequence;

/**
 * Runs one per-op lane in a child JVM ({@link LaneWorker}): started by
 * {@link JvmLauncher} with this JVM's own options too (heap and all), so a
 * lane runs as a JMH fork of this JVM would. The request goes in on its standard input, the response
 * comes back on its standard output; its standard input stays open until it
 * has answered, so it dies with this JVM if this JVM dies first.
 */
final class PerOpLaneProcess {

    private static final JvmLauncher WORKER = JvmLauncher.mainClass(LaneWorker.class).inheritingJvmOptions();

    /** The worker failed: the message names the lane and carries the end of its stderr. */
    static final class LaneFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LaneFailedException(String message) {
            super(message);
        }
    }

    private PerOpLaneProcess() {
    }

    /** Runs {@code request} over {@code traces} (named as in the request) in a fresh worker JVM; its response. */
    static LaneWorker.Response run(LaneWorker.Request request, List<OpSequence> traces) {
        JvmLauncher.Child started;
        try {
            started = WORKER.start(List.of(), builder -> { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for lane " + request.lane() + ": " + e.getMessage(), e);
        }
        Process child = started.process();
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
            started.close();
        }
    }
}
