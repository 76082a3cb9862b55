package org.allocbench.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JMH fork's setup with a trace file (nothing is timed: only {@code @Setup} runs). */
class ReplayBenchmarkTraceFileTest {

    private static ReplayBenchmark benchmark(String trace, String sha256) {
        ReplayBenchmark b = new ReplayBenchmark();
        b.allocator = "aset-native";
        b.trace = trace;
        b.seed = 42;
        b.traceSha256 = sha256;
        return b;
    }

    @Test
    void aFileWithItsDigestPreparesAndAChangedOneIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.trace");
        TraceWriter.write(Pattern.SMALL_CHURN.generate(1_000, 1), file);
        benchmark(file.toString(), ReplayBenchmark.ANY_DIGEST).prepare();
        var e = assertThrows(IllegalArgumentException.class,
                () -> benchmark(file.toString(), "0".repeat(64)).prepare());
        assertTrue(e.getMessage().contains("the file changed since the run started"), e.getMessage());
        Files.writeString(file, "trace 1\nslots 1\nq\n");
        var bad = assertThrows(IllegalArgumentException.class,
                () -> benchmark(file.toString(), ReplayBenchmark.ANY_DIGEST).prepare());
        assertTrue(bad.getMessage().startsWith(file + ":3: "), bad.getMessage());
    }
}
