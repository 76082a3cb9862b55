package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.allocbench.replay.V2Traces;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.TraceWriter;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: a cell in a child JVM, and a failing cell reported with its stderr. */
class MemoryCellProcessTest {

    /** Surefire may start this JVM from a manifest-only jar; its real class path is in this property. */
    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Test
    void cellRunsInAFreshChildJvm() {
        MemoryCellProcess.Outcome o = MemoryCellProcess.run(classPath(), "aset-native", "small-churn", 20_000, 42, "ends",
                Duration.ofMinutes(10));
        assertNull(o.failure(), o.failure());
        MemoryCellResult r = o.result();
        assertNotNull(r);
        assertEquals("aset-native", r.allocator());
        assertEquals("small-churn", r.pattern());
        assertEquals(20_000, r.ops());
        assertTrue(r.peakRssBytes() > 0 && r.peakLiveRequestedBytes() > 0, r.toJson());
        assertTrue(r.overheadRatio() >= 1.0, r.toJson());

        // the table marks a ratio over the allocator's own total
        assertEquals("allocator-total", r.overheadSource(), r.toJson());
    }

    /** Needs a fresh process: in a JVM where malloc already holds freed resident memory, it would be reused. */
    @Test
    void touchingEveryPageMakesLargeAllocationsResident() {
        MemoryCellResult ends = MemoryCellProcess.run(classPath(), "glibc", "malloc-large", 4, 3, "ends",
                Duration.ofMinutes(10)).result();
        MemoryCellResult pages = MemoryCellProcess.run(classPath(), "glibc", "malloc-large", 4, 3, "pages",
                Duration.ofMinutes(10)).result();
        assertNotNull(ends);
        assertNotNull(pages);
        assertEquals("pages", pages.touch());
        // 4 ops of 5..25 MiB buffers (~50 MiB): page-touched ones are resident, end-touched ones mostly not
        assertTrue(pages.rssDeltaAtEndBytes() > 0.8 * pages.liveRequestedAtEndBytes(), pages.toJson());
        assertTrue(ends.rssDeltaAtEndBytes() < 0.2 * ends.liveRequestedAtEndBytes(), ends.toJson());
    }

    @Test
    void failingCellIsReportedWithItsStderr() {
        MemoryCellProcess.Outcome o = MemoryCellProcess.run(classPath(), "aset-native", "no-such-pattern", 10, 1, "ends",
                Duration.ofMinutes(10));
        assertNull(o.result());
        assertTrue(o.failure().startsWith("exit 1"), o.failure());
        assertTrue(o.failure().contains("unknown trace \"no-such-pattern\""), o.failure());
    }

    @Test
    void aTraceFileCellReReadsTheFileAndChecksItsDigest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.trace");
        TraceWriter.write(Pattern.SMALL_CHURN.generate(3_000, 1), file);
        Workload w = Workloads.resolve(file.toString()).getFirst();
        MemoryCellProcess.Outcome o = MemoryCellProcess.run(classPath(), "aset-native", w.spec(), w.sha256(), 500, 42,
                "ends", Duration.ofMinutes(10));
        assertNull(o.failure(), o.failure());
        assertEquals("mine", o.result().pattern());
        assertEquals(3_000, o.result().ops(), "the file's own ops, not --ops");

        MemoryCellProcess.Outcome changed = MemoryCellProcess.run(classPath(), "aset-native", w.spec(),
                "0".repeat(64), 500, 42, "ends", Duration.ofMinutes(10));
        assertNull(changed.result());
        assertTrue(changed.failure().contains("the file changed since the run started"), changed.failure());
    }

    /** A trace of several threads and an allocator whose instances belong to one thread: not run, with why. */
    @Test
    void aCellTheAllocatorCannotReplayByDesignIsNotRunWithItsReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.trace");
        TraceWriter.write(new V2Traces.Builder("two", 2, 1, 2).a(0, 8).t(1).f(0).build(), file);
        Workload w = Workloads.resolve(file.toString()).getFirst();
        // confined arenas (aset-java itself, over malloc's blocks, replays such a trace)
        MemoryCellProcess.Outcome o = MemoryCellProcess.run(classPath(), "aset-java-zeroing", w.spec(), w.sha256(),
                100, 42, "ends", Duration.ofMinutes(10));
        assertNull(o.result());
        assertNull(o.failure(), o.failure());
        assertEquals("its instances belong to the thread that made them, and a trace of 2 threads replays on as many"
                + " threads", o.notRun());
        MemoryCellProcess.Outcome glibc = MemoryCellProcess.run(classPath(), "glibc", w.spec(), w.sha256(), 100, 42,
                "ends", Duration.ofMinutes(10));
        assertNull(glibc.failure(), glibc.failure());
        assertNotNull(glibc.result());
    }
}
