package org.allocbench.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real recordings: the bundled liballocbench-record.so preloaded into real programs, the trace read back
 * and checked line by line ({@link TraceText}), the command's output and exit status passed on.
 */
class RecorderTest {

    @TempDir
    Path dir;

    /** The recorder's private directories there before the test (another run's, on a shared machine). */
    private final java.util.Set<Path> before = privateDirectories();

    private Recorder.Streams streams() {
        return new Recorder.Streams(Redirect.from(new java.io.File("/dev/null")),
                Redirect.to(dir.resolve("stdout").toFile()), Redirect.to(dir.resolve("stderr").toFile()));
    }

    @Test
    void recordsTrueAsAnEmptyTraceThatRanItsExitHandlers() throws IOException {
        Path out = dir.resolve("true.trace");
        Recorder.Result r = Recorder.record(List.of("/bin/true"), out, streams(), false, null);
        assertEquals(0, r.recorded().exitStatus());
        assertNull(r.baseline());
        assertTrue(r.conversion().exited(), "true exits normally: its exit record is there");
        assertNull(r.conversion().damage());
        assertTrue(r.conversion().executable().endsWith("true"), r.conversion().executable());
        TraceText t = TraceText.read(out);
        assertEquals(r.conversion().ops(), t.ops().size());
        assertTrue(t.comments().get(0).contains("/bin/true"), t.comments().toString());
        assertNoTemporaryDirectoriesLeft();
    }

    @Test
    void recordsAMultiThreadedProgramWithItsCrossThreadFree() throws Exception {
        Path program = compile("threads.c");
        Path out = dir.resolve("threads.trace.gz");
        Recorder.Result r = Recorder.record(List.of(program.toString()), out, streams(), true, raws());
        assertEquals(3, r.recorded().exitStatus(), "the program's exit status");
        assertEquals("hello from the recorded program\n", Files.readString(dir.resolve("stdout")));
        assertNotNull(r.baseline(), "a baseline run was asked for");
        assertEquals(3, r.baseline().exitStatus());
        assertTrue(r.recorded().wallNanos() > 0 && r.baseline().wallNanos() > 0);

        TraceText t = TraceText.read(out);
        Conversion c = r.conversion();
        assertEquals(c.ops(), t.ops().size());
        assertEquals(c.slots(), t.slots());
        assertEquals(c.traceThreads(), t.threads());
        assertEquals(c.traceThreads() + 1, t.contexts());
        assertTrue(c.recordedThreads() >= 7, "main, 4 churners, giver, taker: " + c.recordedThreads());
        assertTrue(t.threads() >= 2, "the giver and the taker overlap with main");
        assertTrue(c.exited());

        long churn = t.ops().stream().filter(o -> o[0] == 'a' && o[3] == 777).count();
        assertEquals(4000, churn, "every malloc(777) of the churners");
        assertEquals(1, t.ops().stream().filter(o -> o[0] == 'z' && o[3] == 3333).count(), "calloc(3, 1111)");
        assertEquals(1, t.ops().stream().filter(o -> o[0] == 'r' && o[3] == 5555).count(), "realloc to 5555");
        assertEquals(1, t.ops().stream().filter(o -> o[0] == 'a' && o[3] == 6666).count(), "posix_memalign");
        assertTrue(c.aligned() >= 1);
        assertTrue(c.maxAlignment() >= 64);

        // the 4242-byte chunk: allocated on one trace thread, freed on another (its slot's next op is the free)
        long[] given = t.ops().stream().filter(o -> o[0] == 'a' && o[3] == 4242).findFirst().orElseThrow();
        int at = t.ops().indexOf(given);
        long[] freed = t.ops().subList(at + 1, t.ops().size()).stream()
                .filter(o -> o[2] == given[2] && o[0] != 'c').findFirst().orElseThrow();
        assertEquals('f', freed[0], "the next op on its slot is its free");
        assertNotEquals(given[1], freed[1], "freed by the other thread");
        try (InputStream in = Files.newInputStream(out)) {
            assertEquals(0x1f, in.read(), "gzip");
        }
        try (var left = Files.list(dir.resolve("raws"))) {
            assertEquals(List.of(), left.toList(), "the raw directory is emptied");
        }
        assertNoTemporaryDirectoriesLeft();
    }

    /** A directory for the raw recording (--raw-dir), which must be empty again after. */
    private Path raws() throws IOException {
        return Files.createDirectories(dir.resolve("raws"));
    }

    @Test
    void anExecChainIsConvertedFromItsLastImage() throws IOException {
        Path out = dir.resolve("env.trace");
        Recorder.Result r = Recorder.record(List.of("/usr/bin/env", "A=1", "/bin/true"), out, streams(), false, null);
        assertEquals(0, r.recorded().exitStatus());
        assertTrue(r.conversion().executable().endsWith("true"), r.conversion().executable());
        assertEquals(1, r.others().size(), r.others().toString());
        assertTrue(r.others().get(0).executable().endsWith("env"), r.others().toString());
        assertEquals(0, r.others().get(0).generation());
        TraceText.read(out);
    }

    @Test
    void aCommandThatCannotStartIsOneClearError() {
        Recorder.RecordException e = assertThrows(Recorder.RecordException.class, () -> Recorder.record(
                List.of(dir.resolve("no-such-program").toString()), dir.resolve("x.trace"), streams(), false, null));
        assertTrue(e.getMessage().startsWith("cannot run " + dir.resolve("no-such-program")), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertNoTemporaryDirectoriesLeft();
    }

    @Test
    void aStaticProgramRecordsNothingAndSaysWhy() throws Exception {
        Path program = compileStatic();
        Recorder.RecordException e = assertThrows(Recorder.RecordException.class,
                () -> Recorder.record(List.of(program.toString()), dir.resolve("x.trace"), streams(), false, null));
        assertTrue(e.getMessage().startsWith("nothing was recorded"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("x.trace")));
    }

    @Test
    void theCommandRunsWithoutTheGlibcTunablesTheSuitePinsForItself() {
        assertNull(Recorder.withoutSuiteTunables(null));
        assertNull(Recorder.withoutSuiteTunables(org.allocbench.nativecore.GlibcMalloc.SUITE_TUNABLES));
        assertEquals("glibc.malloc.tcache_count=0", Recorder.withoutSuiteTunables("glibc.malloc.tcache_count=0:"
                + org.allocbench.nativecore.GlibcMalloc.SUITE_TUNABLES));
        assertEquals("glibc.malloc.mmap_threshold=4096", Recorder.withoutSuiteTunables(
                "glibc.malloc.mmap_threshold=4096"), "a user's own value for the same key stays");
    }

    private void assertNoTemporaryDirectoriesLeft() {
        java.util.Set<Path> left = privateDirectories();
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left, "private directories left behind");
    }

    private static java.util.Set<Path> privateDirectories() {
        try (var listing = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return listing.filter(p -> p.getFileName().toString().startsWith(Recorder.DIRECTORY_PREFIX))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path compile(String resource) throws Exception {
        Path source = dir.resolve(resource);
        try (InputStream in = RecorderTest.class.getResourceAsStream("/capture/" + resource)) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve(resource.replace(".c", ""));
        gcc("-std=c11", "-O1", "-pthread", "-o", binary.toString(), source.toString());
        return binary;
    }

    private Path compileStatic() throws Exception {
        Path source = Files.writeString(dir.resolve("static.c"),
                "#include <stdlib.h>\nint main(void) { free(malloc(10)); return 0; }\n");
        Path binary = dir.resolve("static");
        gcc("-static", "-o", binary.toString(), source.toString());
        return binary;
    }

    /** Runs gcc; skips the test if there is none (or it cannot link what is asked, e.g. no static libc). */
    private void gcc(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("gcc"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("gcc.log").toFile())
                    .start();
        } catch (IOException e) {
            Assumptions.abort("skipped: gcc is not installed (" + e.getMessage() + ")");
            return;
        }
        Assumptions.assumeTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0,
                () -> "skipped: gcc " + String.join(" ", args) + " failed: " + read(dir.resolve("gcc.log")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
