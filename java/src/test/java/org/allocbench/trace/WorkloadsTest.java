package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one resolver of what a user names as a trace: built-in, file, directory, and every way that goes wrong. */
class WorkloadsTest {

    private static final OpSequence SMALL = Pattern.SMALL_CHURN.generate(500, 3);

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aBuiltinNameIsGeneratedFromOpsAndSeed() {
        Workload w = Workloads.resolve("logrand").getFirst();
        assertTrue(w.builtin());
        assertEquals("logrand", w.name());
        assertEquals("logrand", w.spec());
        assertNull(w.path());
        assertNull(w.sha256());
        assertArrayEquals(Pattern.LOGRAND.generate(300, 9).encoded(), w.load(300, 9).encoded());
    }

    @Test
    void aFileIsReadOnceWithItsSizeAndDigestAndKeepsItsOwnOps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.trace");
        TraceWriter.write(SMALL, file);
        Workload w = Workloads.resolve(file.toString()).getFirst();
        assertFalse(w.builtin());
        assertEquals("mine", w.name());
        assertEquals(file.toAbsolutePath(), w.path());
        assertEquals(w.path().toString(), w.spec());
        assertEquals(Files.size(file), w.size());
        assertEquals(sha256(file), w.sha256());
        // ops and seed shape built-ins only: a file replays exactly its own ops
        assertArrayEquals(SMALL.encoded(), w.load(7, 1).encoded());
        assertEquals(SMALL.length(), w.load(100_000, 42).length());
    }

    @Test
    void aGzipFileIsHashedAsStoredAndNamedWithoutItsExtensions(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.trace");
        TraceWriter.write(SMALL, plain);
        Path gz = dir.resolve("packed.trace.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(plain));
        }
        Workload w = Workloads.resolve(gz.toString()).getFirst();
        assertEquals("packed", w.name());
        assertEquals(Files.size(gz), w.size());
        assertEquals(sha256(gz), w.sha256());
        assertArrayEquals(SMALL.encoded(), w.load(0, 0).encoded());
    }

    @Test
    void aDirectoryGivesItsTraceFilesSortedByNameNotRecursively(@TempDir Path dir) throws Exception {
        TraceWriter.write(SMALL, dir.resolve("b.trace"));
        TraceWriter.write(SMALL, dir.resolve("a.trace"));
        Files.writeString(dir.resolve("notes.txt"), "not a trace");
        Files.createDirectories(dir.resolve("sub"));
        TraceWriter.write(SMALL, dir.resolve("sub").resolve("c.trace"));
        List<Workload> found = Workloads.resolve(dir.toString());
        assertEquals(List.of("a", "b"), found.stream().map(Workload::name).toList());
    }

    @Test
    void anEmptyDirectoryIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("readme.md"), "no traces here");
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.resolve(dir.toString()));
        assertEquals(dir + ": directory holds no *.trace or *.trace.gz files", e.getMessage());
    }

    @Test
    void anUnknownWordListsTheBuiltinsAndSaysThereIsNoSuchFile() {
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.resolve("smal-churn"));
        assertTrue(e.getMessage().startsWith("unknown trace \"smal-churn\": not a built-in (small-churn, "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(") and no such file or directory"), e.getMessage());
    }

    @Test
    void aBadFileFailsWithFileLineAndProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.trace");
        Files.writeString(bad, "trace 1\nslots 2\na 0 16\nq 1 2\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Workloads.resolve(bad.toString()));
        assertTrue(e.getMessage().startsWith(bad + ":4: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void twoWorkloadsWithOneNameClash(@TempDir Path dir) throws Exception {
        Path mine = dir.resolve("small-churn.trace");
        TraceWriter.write(SMALL, mine);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Workloads.resolveAll(List.of("small-churn", mine.toString())));
        assertTrue(e.getMessage().startsWith("two traces named \"small-churn\": the built-in pattern and file "
                + mine.toAbsolutePath()), e.getMessage());
        // the same workload twice is not a clash
        assertEquals(1, Workloads.resolveAll(List.of(mine.toString(), mine.toString())).size());
    }

    @Test
    void relativePathsResolveAgainstTheBase(@TempDir Path dir) throws Exception {
        TraceWriter.write(SMALL, dir.resolve("rel.trace"));
        assertEquals("rel", Workloads.resolveAll(List.of("rel.trace"), dir).getFirst().name());
    }

    @Test
    void aChildRejectsAFileThatChangedSinceTheParentReadIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("moving.trace");
        TraceWriter.write(SMALL, file);
        Workload parent = Workloads.resolve(file.toString()).getFirst();
        assertEquals(parent, Workloads.resolveVerified(parent.spec(), parent.sha256()));
        TraceWriter.write(Pattern.SMALL_CHURN.generate(501, 3), file);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Workloads.resolveVerified(parent.spec(), parent.sha256()));
        assertTrue(e.getMessage().contains("the file changed since the run started"), e.getMessage());
    }

    @Test
    void theOpsNoteNamesFilesOnly(@TempDir Path dir) throws Exception {
        TraceWriter.write(SMALL, dir.resolve("f.trace"));
        assertNull(Workloads.opsIgnoredNote(Workloads.resolveAll(List.of("small-churn"))));
        assertEquals("note: --ops applies to built-in traces only; trace files replay their own ops (f)",
                Workloads.opsIgnoredNote(Workloads.resolveAll(List.of("small-churn", dir.resolve("f.trace")
                        .toString()))));
    }
}
