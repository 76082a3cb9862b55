package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsCommandTest {


    @Test
    void asetNativeAtTheEndOfSmallChurn() {
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", "small-churn", "--ops", "20000");
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                allocbench stats: aset-native x small-churn, 20,000 ops, seed 42; at the end of the trace, before the delete

                MemoryContextStats:
                aset-native: 131072 total in 5 blocks; 31304 free (107 chunks); 99768 used
                Grand total: 131072 bytes in 5 blocks; 31304 free (107 chunks); 99768 used

                pg_backend_memory_contexts:
                name        | ident | parent | level | total_bytes | total_nblocks | free_bytes | free_chunks | used_bytes
                ------------+-------+--------+-------+-------------+---------------+------------+-------------+-----------
                aset-native |       |        |     0 |      131072 |             5 |      31304 |         107 |      99768
                """, r.out());
    }

    @Test
    void theJavaAllocSetHasTheSameCounters() {
        CliRun r = run("stats", "--allocator", "aset-java", "--traces", "small-churn", "--ops", "20000");
        assertEquals(0, r.exit(), r.err());
        assertEquals("aset-java: 131072 total in 5 blocks; 31304 free (107 chunks); 99768 used",
                r.out().lines().filter(l -> l.startsWith("aset-java:")).findFirst().orElseThrow());
    }

    @Test
    void unknownNamesAreErrors() {
        CliRun r = run("stats", "--allocator", "nope", "--traces", "small-churn");
        assertEquals(2, r.exit());
        assertEquals("allocbench stats: unknown allocator \"nope\"; known: aset-native, aset-pg15, aset-java, aset-java-zeroing, aset-java-heap, glibc,"
                + " jemalloc, mimalloc, mimalloc-heap, tcmalloc, jdk-arena, jdk-slicing, netty-pooled\n", r.err());
        r = run("stats", "--allocator", "aset-native", "--traces", "nope");
        assertEquals(2, r.exit());
        assertEquals("allocbench stats: unknown trace \"nope\"", r.err().substring(0, r.err().indexOf(':', 18)));
    }

    @Test
    void severalTracesPrintOneBlockEach() {
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", "small-churn,logrand", "--ops", "2000");
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("allocbench stats: aset-native x ")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("Grand total: ")).count(), r.out());
    }

    @Test
    void aTraceMustBeNamed() {
        CliRun r = run("stats", "--allocator", "aset-native");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("allocbench stats: name a trace with --traces TRACE (a built-in: small-churn, "), r.err());
    }

    @Test
    void theOldSpellingsStillWorkForOneReleaseWithANote() {
        CliRun renamed = run("stats", "--allocator", "aset-native", "--trace", "small-churn", "--ops", "20000");
        CliRun current = run("stats", "--allocator", "aset-native", "--traces", "small-churn", "--ops", "20000");
        assertEquals(0, renamed.exit(), renamed.err());
        assertEquals(current.out(), renamed.out());
        assertEquals("allocbench stats: note: --trace, --pattern and --patterns are now --traces; the old names go in"
                + " the next release\n", renamed.err());
        assertEquals("", current.err());
        assertFalse(run("stats", "--help").out().contains("--patterns"), "the old names are hidden from help");
    }

    @Test
    void aBadLaterTraceIsRefusedBeforeAnyReplay() {
        CliRun r = run("stats", "--allocator", "aset-native", "--traces", "small-churn,nope", "--ops", "2000");
        assertEquals(2, r.exit());
        assertEquals("", r.out(), "nothing replayed or printed before the bad name was found");
        assertTrue(r.err().startsWith("allocbench stats: unknown trace \"nope\""), r.err());
    }
}
