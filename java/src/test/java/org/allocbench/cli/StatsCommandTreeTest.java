package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.alloc.Allocators;
import org.allocbench.replay.V2Traces;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allocbench stats} on a version 2 trace: the whole context tree in
 * MemoryContextStats' format (one line per context, two spaces per level, the
 * children newest first, the Grand total over all of them) and as
 * pg_backend_memory_contexts rows, for each AllocSet; whether the replay meets
 * the trace's expectations. The trace is built as the model (the text reader
 * of version 2 is someone else's work); {@code --traces FILE} is checked with a
 * version 1 file.
 */
class StatsCommandTreeTest {

    /** ExecutorState (with an ExprContext) and Other under the root; thread 1 allocates in the root. */
    static OpSequence tree() {
        return new V2Traces.Builder("tree", 4, 4, 2)
                .c(1, 0, 0, 8192, 8388608, "ExecutorState").u(1).a(0, 100)
                .c(2, 1, 0, 1024, 8192, "ExprContext").u(2).a(1, 40)
                .c(3, 0, 0, 1024, 8192, "Other").u(0).a(2, 8)
                .t(1).a(3, 24)
                .e(1, 8192, 1, 0, 7816)
                .build();
    }

    private static String statsOf(String allocator, OpSequence ops) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = StatsCommand.statsOf(new PrintWriter(out), new PrintWriter(err), Allocators.byName(allocator),
                ops, "from tree.trace");
        assertEquals(0, status, err.toString());
        return out.toString();
    }

    @Test
    void theWholeTreeOfANativeAllocSet() {
        assertEquals("""
                allocbench stats: aset-native x tree, 7 ops, from tree.trace (version 2: 4 contexts, 2 threads,\
                 replayed in trace order); at the end of the trace, before the delete

                MemoryContextStats:
                aset-native: 8192 total in 1 blocks; 7896 free (0 chunks); 296 used
                  Other: 1024 total in 1 blocks; 784 free (0 chunks); 240 used
                  ExecutorState: 8192 total in 1 blocks; 7816 free (0 chunks); 376 used
                    ExprContext: 1024 total in 1 blocks; 712 free (0 chunks); 312 used
                Grand total: 18432 bytes in 4 blocks; 17208 free (0 chunks); 1224 used

                pg_backend_memory_contexts:
                name          | ident | parent        | level | total_bytes | total_nblocks | free_bytes | free_chunks | used_bytes
                --------------+-------+---------------+-------+-------------+---------------+------------+-------------+-----------
                aset-native   |       |               |     0 |        8192 |             1 |       7896 |           0 |        296
                Other         |       | aset-native   |     1 |        1024 |             1 |        784 |           0 |        240
                ExecutorState |       | aset-native   |     1 |        8192 |             1 |       7816 |           0 |        376
                ExprContext   |       | ExecutorState |     2 |        1024 |             1 |        712 |           0 |        312

                expectations: all 1 met
                """, statsOf("aset-native", tree()));
    }

    @Test
    void theJavaAllocSetPrintsTheSameTree() {
        String nat = statsOf("aset-native", tree());
        String java = statsOf("aset-java", tree());
        assertEquals(nat.replace("aset-native  ", "aset-java    ").replace("aset-native", "aset-java"), java);
    }

    @Test
    void thePg15LayoutPrintsItsTreeWithItsOwnCounters() {
        String pg15 = statsOf("aset-pg15", tree());
        assertTrue(pg15.contains("\n    ExprContext: 1024 total in 1 blocks; "), pg15);
        assertTrue(pg15.contains("\nGrand total: 18432 bytes in 4 blocks; "), pg15);
        assertTrue(pg15.contains("expectations: 1, not met: before op 7, context 1 (ExecutorState): "), pg15);
    }

    @Test
    void anAllocatorWithoutContextsSaysTheyAreEmulated() {
        String arena = statsOf("jdk-arena", tree());
        assertTrue(arena.contains("(jdk-arena has no contexts: the trace's 4 are emulated, and these counters are"
                + " the whole instance's)\n"), arena);
        assertTrue(!arena.contains("expectations:"), "no contexts, nothing to compare");
    }

    @Test
    void aTraceFileIsReadAndNamedAfterIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("churn.trace");
        TraceWriter.write(new OpSequence.Builder("x", 2).add(OpSequence.ALLOC, 0, 100).add(OpSequence.ALLOC, 1, 40)
                .build(), file);
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("allocbench stats: aset-native x churn, 2 ops, from " + file + "; at the end"),
                r.out());
        assertTrue(r.out().contains("aset-native: 8192 total in 1 blocks; 7744 free (0 chunks); 448 used\n"), r.out());
        CliRun missing = run("stats", "--allocator", "aset-native", "--traces", dir.resolve("nope").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().startsWith("allocbench stats: unknown trace \"" + dir.resolve("nope")
                + "\": not a built-in ("), missing.err());
        assertTrue(missing.err().endsWith(") and no such file or directory\n"), missing.err());
        Files.writeString(file, "trace 1\nslots 1\nf 0\n");
        CliRun bad = run("stats", "--allocator", "aset-native", "--traces", file.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().startsWith("allocbench stats: " + file + ":3: slot 0 is empty"), bad.err());
        assertEquals("", bad.out());
    }
}
