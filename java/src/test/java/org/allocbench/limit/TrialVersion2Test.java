package org.allocbench.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trial child reads a version 2 trace as OpSequence.writeEncoded hands it over: the docs example (two
 * threads, replayed in trace order), ending with only the last 5000-byte chunk of the root live.
 */
class TrialVersion2Test {

    @ParameterizedTest
    @ValueSource(strings = {"aset", "malloc"})
    void theDocsExampleRunsToTheEnd(String mode, @TempDir Path dir) throws Exception {
        long[] ops = {OpSequence.encode(OpSequence.CREATE, 0, 0), OpSequence.encode(OpSequence.ALLOC, 0, 100),
            OpSequence.encode(OpSequence.CREATE, 0, 0), OpSequence.encode(OpSequence.ALLOC, 1, 40),
            OpSequence.encode(OpSequence.FREE, 0, 0), OpSequence.encode(OpSequence.RESET, 0, 0),
            OpSequence.encode(OpSequence.ALLOC, 2, 64), OpSequence.encode(OpSequence.DELETE, 0, 0),
            OpSequence.encode(OpSequence.ALLOC, 3, 5000)};
        int[] where = {Placement.encode(1, 0), Placement.encode(1, 0), Placement.encode(2, 0), Placement.encode(2, 0),
            Placement.encode(1, 1), Placement.encode(2, 0), Placement.encode(2, 0), Placement.encode(1, 0),
            Placement.encode(0, 0)};
        ContextSpec[] contexts = {ContextSpec.ROOT, new ContextSpec(0, 0, 8192, 8388608, "ExecutorState"),
            new ContextSpec(1, 0, 1024, 8192, "ExprContext")};
        OpSequence t = new OpSequence("v2", 4, ops, new Placement(2, where, contexts, List.of()));
        Path file = t.writeEncoded(dir.resolve("trace.ops"));
        Process child = new ProcessBuilder(TrialProgram.path("allocbench-trial").toString(), file.toString(), "4",
                mode).redirectError(dir.resolve("stderr").toFile()).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream in = child.getOutputStream()) {
            assertEquals("ready", out.readLine().split(" ")[0]);
            in.write('g');
            in.flush();
            String[] done = out.readLine().split(" ");
            assertEquals("done", done[0]);
            assertEquals("9", done[1]);
            assertEquals("5000", done[2]);
        }
        assertEquals(0, child.waitFor());
    }
}
