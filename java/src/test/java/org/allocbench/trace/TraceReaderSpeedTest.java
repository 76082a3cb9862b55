package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million ops parse in well under two seconds; the bound asserted is far
 * looser and only catches pathological behaviour (a String per line, quadratic
 * growth): timing itself belongs to benchmarks.
 */
class TraceReaderSpeedTest {

    @Test
    void aMillionOpsParseQuickly(@TempDir Path dir) throws Exception {
        OpSequence ops = TraceTesting.randomSequence(new Random(1_000_000), "million", 1_000_000, 4096);
        for (String name : List.of("million.trace", "million.trace.gz")) {
            Path file = dir.resolve(name);
            TraceWriter.write(ops, file, List.of("a million random ops"));
            long start = System.nanoTime();
            OpSequence back = TraceReader.read(file);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertArrayEquals(ops.encoded(), back.encoded());
            assertTrue(seconds < 20, name + " took " + seconds + " s to parse");
        }
    }
}
