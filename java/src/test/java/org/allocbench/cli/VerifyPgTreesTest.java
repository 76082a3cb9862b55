package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.alloc.Allocators;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceFormatException;
import org.allocbench.trace.TraceReader;
import org.junit.jupiter.api.Test;

/**
 * verify-pg's comparison and table for version 2 traces, without PostgreSQL: the backend's counters are
 * stood in for by a list of expectations, as {@code PgReplay.replayTree} returns them.
 */
class VerifyPgTreesTest {

    /**
     * Two children of one parent, a child deleted, the parent reset (deleting the other child), an
     * allocation after the reset. The expectations are worked out by hand for PostgreSQL 15's layout
     * (docs/postgres-memory.md): a context's header (224 bytes) and the keeper block's header (40) sit in
     * its first block, a chunk is its power-of-2 size class plus a 16-byte header.
     * <ul>
     * <li>Parent (INIT 8192): 8192 - 224 - 40 = 7928 free; {@code a 0 100} takes 128 + 16: 7784.</li>
     * <li>ChildA (INIT 1024, first block 1024): 760 free; {@code a 1 40} takes 64 + 16: 680.</li>
     * <li>ChildB: 760 free; {@code a 2 200} takes 256 + 16: 488.</li>
     * <li>After {@code R 1}: the keeper block kept and emptied, the freelists cleared: 7928 in 0 chunks;
     * {@code a 3 64} takes 64 + 16: 7848.</li>
     * </ul>
     */
    static final String TWO_CHILDREN = """
            trace 2
            slots 4
            contexts 4
            threads 1
            c 1 0 0 8192 8388608 Parent
            u 1
            a 0 100
            c 2 1 0 1024 8192 ChildA
            c 3 1 0 1024 8192 ChildB
            u 2
            a 1 40
            u 3
            a 2 200
            e 1 8192 1 0 7784
            e 2 1024 1 0 680
            e 3 1024 1 0 488
            d 3
            u 1
            R 1
            e 1 8192 1 0 %d
            a 3 64
            e 1 8192 1 0 7848
            d 1
            """;

    static OpSequence parse(String text, String name) throws IOException, TraceFormatException {
        return TraceReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), name);
    }

    @Test
    void handWorkedCountersAreWhatPostgres15sLayoutHas() throws IOException, TraceFormatException {
        OpSequence trace = parse(TWO_CHILDREN.formatted(7928), "two-children");
        List<Expectation> recorded = trace.placement().expectations();
        assertEquals(5, recorded.size());
        // the backend's replay agreeing with the recording: both checks pass
        VerifyPgTrees.Row row = VerifyPgTrees.check(trace, recorded, Allocators.byName("aset-pg15"));
        assertTrue(row.identical(), row.toString());
        assertEquals(5, row.backendChecked());
        assertEquals(5, row.recordedChecked());
        assertEquals(3, row.contexts());
        assertEquals(10, row.ops());
        String table = VerifyPgTrees.table(List.of(row), "aset-pg15");
        assertTrue(table.contains("5 counters identical         5 counters identical"), table);
        assertFalse(table.contains("DIFFERENT"), table);
    }

    @Test
    void aWrongRecordedExpectationNamesItsContextAndOp() throws IOException, TraceFormatException {
        // 7952 is the native (PostgreSQL 16+) layout's figure, which PostgreSQL 15 cannot have
        OpSequence trace = parse(TWO_CHILDREN.formatted(7952), "wrong");
        VerifyPgTrees.Row row = VerifyPgTrees.check(trace, List.of(), Allocators.byName("aset-pg15"));
        assertFalse(row.identical());
        assertTrue(row.backend().isEmpty());
        String table = VerifyPgTrees.table(List.of(row), "aset-pg15");
        assertTrue(table.contains("DIFFERENT (below)"), table);
        assertTrue(table.contains("wrong, aset-pg15 vs the recording: before op 8, context 1 (Parent): the"
                + " recorded backend had 8192 total in 1 blocks; 7952 free (0 chunks); 240 used, the replay has"
                + " 8192 total in 1 blocks; 7928 free (0 chunks); 264 used"), table);
    }

    @Test
    void aDifferentBackendCounterNamesTheFirstContextInTraceOrder() throws IOException, TraceFormatException {
        OpSequence trace = parse(TWO_CHILDREN.formatted(7928), "backend");
        List<Expectation> backend = new ArrayList<>(trace.placement().expectations());
        Expectation childB = backend.get(2);
        backend.set(2, new Expectation(childB.beforeOp(), childB.context(), childB.totalBytes(), childB.blocks(),
                childB.freeChunks(), childB.freeBytes() - 8));
        VerifyPgTrees.Row row = VerifyPgTrees.check(trace, backend, Allocators.byName("aset-pg15"));
        assertTrue(row.recorded().isEmpty());
        String table = VerifyPgTrees.table(List.of(row), "aset-pg15");
        assertTrue(table.contains("backend, aset-pg15 vs the backend: before op 6, context 3 (ChildB): PostgreSQL"
                + " has 1024 total in 1 blocks; 480 free (0 chunks); 544 used, the replay has 1024 total in 1"
                + " blocks; 488 free (0 chunks); 536 used"), table);
    }
}
