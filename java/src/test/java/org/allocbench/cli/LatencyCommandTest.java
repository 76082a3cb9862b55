package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.allocbench.measure.HlogFiles;
import org.allocbench.replay.V2Traces;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code allocbench latency} end to end with tiny traces, into a temporary directory. */
class LatencyCommandTest {


    @Test
    void smoke(@TempDir Path dir) throws Exception {
        CliRun r = run("latency", "--allocators", "aset-java,aset-native-replay,glibc", "--traces",
                "small-churn,per-tuple-batches", "--ops", "2000", "--warmup", "1", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("mode: per-op"), r.out());
        assertTrue(r.out().contains("System.nanoTime: back-to-back pair median"), r.out());
        assertTrue(r.out().contains("clock_gettime(CLOCK_MONOTONIC)"), r.out());
        assertTrue(r.out().contains("p99.9"), r.out());
        for (String a : new String[] {"aset-java", "aset-native-replay", "glibc"}) {
            for (String t : new String[] {"small-churn", "per-tuple-batches"}) {
                Path file = dir.resolve(HlogFiles.fileName(a, t));
                if (a.equals("glibc") && !Files.exists(file)) {
                    assertTrue(r.out().contains("not run: glibc"), r.out()); // unavailable here: said why
                    continue;
                }
                List<Histogram> back = HlogFiles.read(file);
                assertEquals(1, back.size(), file.toString());
                assertEquals(2000, back.get(0).getTotalCount(), file.toString());
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(a + " ") && l.contains(" " + t + " ")), r.out());
            }
        }
    }

    @Test
    void groupedModeIsStated(@TempDir Path dir) throws Exception {
        CliRun r = run("latency", "--allocators", "aset-java", "--traces", "small-churn", "--ops", "1000",
                "--mode", "grouped", "--group", "8", "--warmup", "0", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("mode: grouped, G=8"), r.out());
        assertTrue(r.out().contains("grouped(G=8)"), r.out());
        assertEquals(1000, HlogFiles.read(dir.resolve("aset-java__small-churn.hlog")).get(0).getTotalCount());
    }

    @Test
    void badArgumentsAreRefused(@TempDir Path dir) {
        assertEquals(2, run("latency", "--mode", "sometimes", "--out", dir.toString()).exit());
        CliRun unknown = run("latency", "--allocators", "nope", "--out", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown allocator \"nope\""), unknown.err());
    }

    /** Cells that cannot be recorded by design are listed as not run, and the others are recorded. */
    @Test
    void aTraceOfSeveralThreadsIsNotRunWithItsReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.trace");
        TraceWriter.write(new V2Traces.Builder("two", 2, 1, 2).a(0, 8).t(1).f(0).build(), file);
        Path one = dir.resolve("one.trace");
        TraceWriter.write(new V2Traces.Builder("one", 2, 1, 1).a(0, 8).a(1, 16).f(0).build(), one);
        Path out = dir.resolve("out");
        CliRun r = run("latency", "--allocators", "glibc,aset-native-replay", "--traces", file + "," + one,
                "--warmup", "0", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("not run: glibc x two (per-op latency is not recorded for trace two of 2"
                + " threads"), r.out());
        assertTrue(r.out().contains("not run: aset-native-replay x one (per-op latency in C is recorded for version 1"
                + " traces only; trace one is version 2"), r.out());
        assertTrue(Files.exists(out.resolve(HlogFiles.fileName("glibc", "one"))), r.out());
    }
}
