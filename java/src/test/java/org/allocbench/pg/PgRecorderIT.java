package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.Allocators;
import org.allocbench.replay.ExpectationCheck;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * record-pg end to end in a real PostgreSQL 15 backend: a SQL session with a sort, a hash join and an
 * aggregate recorded into a version 2 trace that reads back, has PostgreSQL's counters before every delete,
 * and that our PostgreSQL 15 AllocSet replays meeting every one of them. Skipped where PostgreSQL 15 is not
 * installed.
 */
class PgRecorderIT {

    @Test
    void aRecordedSessionReplaysThroughAsetPg15WithEveryCounterMet(@TempDir Path dir) throws Exception {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        Path setup = dir.resolve("setup.sql");
        Files.writeString(setup, "CREATE TABLE t AS SELECT g AS id, g % 100 AS k, md5(g::text) AS v"
                + " FROM generate_series(1, 20000) g;\nANALYZE t;\n");
        Path sql = dir.resolve("work.sql");
        Files.writeString(sql, "SET work_mem = '1MB';\n"
                + "SELECT k, count(*), max(v) FROM t GROUP BY k ORDER BY k;\n"
                + "SELECT a.id FROM t a JOIN t b ON a.id = b.id + 1 WHERE a.k = 3 ORDER BY a.v LIMIT 5;\n"
                + "SELECT id, v FROM t ORDER BY v DESC LIMIT 3;\n");
        Path out = dir.resolve("session.trace.gz");
        PgRecorder.Result r = PgRecorder.record(new PgRecorder.Request(setup, sql, null, out, false));

        OpSequence ops = TraceReader.read(out);
        assertEquals(2, ops.version());
        assertTrue(r.written().complete());
        assertTrue(ops.count(OpSequence.CREATE) > 10, "contexts created: " + ops.count(OpSequence.CREATE));
        assertTrue(ops.count(OpSequence.ALLOC) > 1000, "allocations: " + ops.count(OpSequence.ALLOC));
        assertTrue(r.written().olderOps() > 0, "the older contexts' operations are counted");
        // PostgreSQL's counters just before every delete of a recorded context
        Set<Long> expectedAt = new HashSet<>();
        for (Expectation e : ops.placement().expectations()) {
            expectedAt.add((long) e.beforeOp() << 32 | e.context());
        }
        for (int i = 0; i < ops.length(); i++) {
            if (ops.kind(i) == OpSequence.DELETE) {
                assertTrue(expectedAt.contains((long) i << 32 | ops.placement().context(i)), "no e line before op " + i);
            }
        }
        try (Allocator pg15 = Allocators.byName("aset-pg15").create()) {
            Optional<ExpectationCheck.Mismatch> m = ExpectationCheck.firstMismatch(ops, pg15);
            assertTrue(m.isEmpty(), () -> m.get().message());
        }
        assertEquals(List.of(), leftovers(dir));
    }

    /** What is left in the test's directory besides its inputs and the trace. */
    private static List<Path> leftovers(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().matches("setup.sql|work.sql|session.trace.gz"))
                    .toList();
        }
    }
}
