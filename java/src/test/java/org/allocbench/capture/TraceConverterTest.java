package org.allocbench.capture;

import static org.allocbench.capture.TraceConverter.ALIGNED;
import static org.allocbench.capture.TraceConverter.CALLOC;
import static org.allocbench.capture.TraceConverter.EXIT;
import static org.allocbench.capture.TraceConverter.FORK;
import static org.allocbench.capture.TraceConverter.FREE;
import static org.allocbench.capture.TraceConverter.MALLOC;
import static org.allocbench.capture.TraceConverter.REALLOC_ACQUIRE;
import static org.allocbench.capture.TraceConverter.REALLOC_RELEASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conversion of raw recordings into version 2 traces, on raw files written as the library writes them. */
class TraceConverterTest {

    @TempDir
    Path dir;

    private Conversion conversion;

    private TraceText convert(RawFileBuilder raw, String name) throws IOException {
        Path file = raw.write(dir.resolve("rec-1-0.raw"));
        Path out = dir.resolve(name);
        try (RawRecording r = RawRecording.open(file)) {
            conversion = TraceConverter.convert(r, out, List.of("a test"), dir);
        }
        assertEquals(Files.size(out), conversion.bytes());
        return TraceText.read(out);
    }

    private TraceText convert(RawFileBuilder raw) throws IOException {
        return convert(raw, "out.trace");
    }

    @Test
    void eachCallBecomesItsOpInOneThreadsOwnContext() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog").thread(0)
                .rec(MALLOC, 0, 0x1000, 100)
                .rec(CALLOC, 1, 0x2000, 7 * 1003)
                .rec(REALLOC_RELEASE, 2, 0x1000, 0).rec(REALLOC_ACQUIRE, 3, 0x3000, 300)
                .rec(ALIGNED, 4, 0x4000, 64, 4096)
                .rec(FREE, 5, 0x2000, 0)
                .rec(MALLOC, 6, 0x5000, 0) // size 0: written as 1
                .rec(REALLOC_RELEASE, 7, 0x5000, 0).rec(REALLOC_ACQUIRE, 8, 0, 0) // realloc(p, 0): a free
                .rec(EXIT, 9, 0, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 100 @0", "z 1 7021 @0", "r 0 300 @0", "a 2 64 @0", "f 1 @0",
                "a 1 1 @0", "f 1 @0"), t.lines());
        assertEquals(3, t.slots(), "a freed slot is reused");
        assertEquals(2, t.contexts());
        assertEquals(1, t.threads());
        assertEquals(1, conversion.aligned());
        assertEquals(4096, conversion.maxAlignment());
        assertEquals(1, conversion.zeroSize());
        assertEquals(3, conversion.peakLive());
        assertTrue(conversion.exited());
        assertEquals(8, conversion.ops());
        assertTrue(t.comments().contains("a test"), t.comments().toString());
        assertTrue(t.comments().stream().anyMatch(c -> c.startsWith("ops: a 3, z 1, r 1, f 2, c 1")),
                t.comments().toString());
    }

    @Test
    void threadsAreMergedBySequenceNumberWhateverTheFileOrder() throws IOException {
        // thread 1 frees what thread 0 allocated; thread 1's chunk is written first
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog")
                .thread(1).rec(MALLOC, 2, 0x9000, 16).rec(FREE, 5, 0x1000, 0).rec(FREE, 6, 0x9000, 0)
                .thread(0).rec(MALLOC, 1, 0x1000, 100).rec(MALLOC, 3, 0x2000, 200).rec(EXIT, 7, 0, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 100 @0", "c 2 0 @1", "a 1 16 @1", "a 2 200 @0", "f 0 @1",
                "f 1 @1"), t.lines());
        assertEquals(2, t.threads());
        assertEquals(3, t.contexts());
        assertEquals(2, conversion.recordedThreads());
    }

    @Test
    void aPointerReleasedByReallocMayBeHandedToAnotherThreadBeforeTheReallocReturns() throws IOException {
        // thread 0: realloc(0x1000 -> 0x2000); between its release and its acquire thread 1 gets 0x1000
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog")
                .thread(0).rec(MALLOC, 1, 0x1000, 10).rec(REALLOC_RELEASE, 3, 0x1000, 0)
                .rec(REALLOC_ACQUIRE, 5, 0x2000, 20).rec(FREE, 6, 0x2000, 0)
                .thread(1).rec(MALLOC, 2, 0x7000, 1).rec(MALLOC, 4, 0x1000, 30).rec(FREE, 7, 0x1000, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 10 @0", "c 2 0 @1", "a 1 1 @1", "a 2 30 @1", "r 0 20 @0", "f 0 @0", "f 2 @1"), t.lines());
        assertEquals(0, conversion.lostFrees());
        assertEquals(0, conversion.unknownFrees());
    }

    @Test
    void pointersFromBeforeTheRecordingAreDroppedAndCounted() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog").thread(0)
                .rec(FREE, 1, 0xdead0, 0) // allocated before the library was loaded
                .rec(REALLOC_RELEASE, 2, 0xbeef0, 0).rec(REALLOC_ACQUIRE, 3, 0x1000, 50) // realloc of one: an a
                .rec(REALLOC_RELEASE, 4, 0xcafe0, 0).rec(REALLOC_ACQUIRE, 5, 0, 0) // realloc(p, 0) of one
                .rec(EXIT, 6, 0, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 50 @0"), t.lines());
        assertEquals(2, conversion.unknownFrees());
        assertEquals(1, conversion.unknownReallocs());
    }

    @Test
    void allocationsAboveTheFormatsLargestSizeAreDroppedWithTheirFrees() throws IOException {
        long huge = 1L << 30; // 1 GiB: one more than MaxAllocSize
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog").thread(0)
                .rec(MALLOC, 1, 0x10000, huge).rec(FREE, 2, 0x10000, 0)
                .rec(MALLOC, 3, 0x20000, 1073741823)
                .rec(REALLOC_RELEASE, 4, 0x20000, 0).rec(REALLOC_ACQUIRE, 5, 0x30000, huge) // grows too big
                .rec(REALLOC_RELEASE, 6, 0x30000, 0).rec(REALLOC_ACQUIRE, 7, 0x40000, 64) // shrinks back
                .rec(FREE, 8, 0x40000, 0).rec(EXIT, 9, 0, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 1073741823 @0", "f 0 @0", "a 0 64 @0", "f 0 @0"), t.lines());
        assertEquals(2, conversion.hugeDropped());
        assertEquals(0, conversion.unknownFrees(), "the free of a dropped allocation is not an unknown free");
        assertEquals(0, conversion.unknownReallocs());
    }

    @Test
    void aPointerHandedOutAgainWhileLiveHadItsFreeLost() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog").thread(0)
                .rec(MALLOC, 1, 0x1000, 8).rec(MALLOC, 2, 0x1000, 16).rec(FREE, 3, 0x1000, 0);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 8 @0", "f 0 @0", "a 0 16 @0", "f 0 @0"), t.lines());
        assertEquals(1, conversion.lostFrees());
        assertFalse(conversion.exited(), "no exit record: the process did not run its exit handlers");
        assertTrue(t.comments().stream().anyMatch(c -> c.startsWith("incomplete:")), t.comments().toString());
    }

    @Test
    void repeatedRecordsOfAnExitTimeCopyAreSkipped() throws IOException {
        // the exit-time copy of thread 1's buffer (seq 2..3) and later its own write of the same and more
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog")
                .thread(0).rec(MALLOC, 1, 0x1000, 8)
                .thread(1).rec(MALLOC, 2, 0x2000, 16).rec(FREE, 3, 0x2000, 0)
                .thread(0).rec(EXIT, 4, 0, 0)
                .thread(1).rec(MALLOC, 2, 0x2000, 16).rec(FREE, 3, 0x2000, 0).rec(MALLOC, 5, 0x3000, 24);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 8 @0", "c 2 0 @1", "a 1 16 @1", "f 1 @1", "a 1 24 @1"), t.lines());
        assertEquals(2, conversion.duplicates());
        assertEquals(7, conversion.records() + conversion.duplicates());
    }

    @Test
    void everyRecordedThreadHasATraceThreadOfItsOwnInOrderOfFirstOps() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog")
                .thread(0).rec(MALLOC, 1, 0x1000, 8)
                .thread(2).rec(MALLOC, 4, 0x3000, 8).rec(FREE, 5, 0x3000, 0) // starts after thread 1 ended
                .thread(1).rec(MALLOC, 2, 0x2000, 8).rec(FREE, 3, 0x2000, 0)
                .thread(0).rec(FREE, 6, 0x1000, 0);
        TraceText t = convert(raw);
        assertEquals(3, t.threads());
        assertEquals(3, conversion.recordedThreads());
        assertEquals(3, conversion.contexts());
        assertEquals(0, conversion.reused());
        assertEquals(List.of("c 1 0 @0", "a 0 8 @0", "c 2 0 @1", "a 1 8 @1", "f 1 @1", "c 3 0 @2", "a 1 8 @2",
                "f 1 @2", "f 0 @0"), t.lines());
    }

    @Test
    void beyond256ThreadsOnesThatStartAfterOthersEndedReuseTheirTraceThreads() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog");
        int n = 300;
        for (int k = 0; k < n; k++) { // one after another: each allocates and frees, then ends
            raw.thread(k).rec(MALLOC, 2L * k, 0x1000, 8).rec(FREE, 2L * k + 1, 0x1000, 0);
        }
        TraceText t = convert(raw);
        assertEquals(256, t.threads());
        assertEquals(n - 256, conversion.reused());
        assertEquals(0, conversion.folded());
        assertEquals(n, t.count('a'));
        assertEquals(1, t.slots());
    }

    @Test
    void moreThan256ThreadsAtOnceAreFoldedAndCounted() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog");
        int n = 300;
        for (int k = 0; k < n; k++) { // every thread allocates, then every thread frees: all busy at once
            raw.thread(k).rec(MALLOC, k, 0x1000L * (k + 1), 8).rec(FREE, n + k, 0x1000L * (k + 1), 0);
        }
        TraceText t = convert(raw, "many.trace.gz");
        assertEquals(256, t.threads());
        assertEquals(257, t.contexts());
        assertEquals(n - 256, conversion.folded());
        assertEquals(0, conversion.reused());
        assertEquals(n, conversion.recordedThreads());
        assertEquals(n, t.count('a'));
        assertEquals(n, t.count('f'));
        try (InputStream in = Files.newInputStream(dir.resolve("many.trace.gz"))) {
            assertEquals(0x1f, in.read(), "gzip for a name ending in .gz");
            assertEquals(0x8b, in.read());
        }
    }

    @Test
    void aDamagedFileIsConvertedUpToTheDamageWhichIsReported() throws IOException {
        RawFileBuilder raw = new RawFileBuilder(1, 0, "/bin/prog").thread(0).rec(MALLOC, 1, 0x1000, 8)
                .rec(FORK, 2, 0, 0).chunk().garbage(100);
        TraceText t = convert(raw);
        assertEquals(List.of("c 1 0 @0", "a 0 8 @0"), t.lines());
        assertNotNull(conversion.damage());
        assertTrue(conversion.damage().contains("no chunk at byte"), conversion.damage());
        assertEquals(1, conversion.forks());
    }

    @Test
    void anEmptyRecordingIsAnEmptyValidTrace() throws IOException {
        TraceText t = convert(new RawFileBuilder(1, 0, "/bin/true"));
        assertEquals(List.of(), t.lines());
        assertEquals(1, t.slots());
        assertEquals(1, t.contexts());
        assertEquals(1, t.threads());
        assertNull(conversion.damage());
    }

    @Test
    void aFileThatIsNoRecordingIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("x.raw"), "not a recording at all, but long enough?".repeat(20));
        IOException e = assertThrows(IOException.class, () -> RawRecording.open(file));
        assertTrue(e.getMessage().contains("not a recording"), e.getMessage());
        Path shortFile = Files.writeString(dir.resolve("y.raw"), "ABRECRAW");
        assertThrows(IOException.class, () -> RawRecording.open(shortFile));
    }
}
