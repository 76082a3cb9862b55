package org.allocbench.cli;

import static org.allocbench.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatsCommandTest {


    @Test
    void asetNativeAtTheEndOfSmallChurn() {
        CliRun r = run("stats", "--allocator", "aset-native", "--trace", "small-churn", "--ops", "20000");
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
        CliRun r = run("stats", "--allocator", "aset-java", "--trace", "small-churn", "--ops", "20000");
        assertEquals(0, r.exit(), r.err());
        assertEquals("aset-java: 131072 total in 5 blocks; 31304 free (107 chunks); 99768 used",
                r.out().lines().filter(l -> l.startsWith("aset-java:")).findFirst().orElseThrow());
    }

    @Test
    void unknownNamesAreErrors() {
        CliRun r = run("stats", "--allocator", "nope", "--trace", "small-churn");
        assertEquals(2, r.exit());
        assertEquals("allocbench stats: unknown allocator \"nope\"; known: aset-native, aset-pg15, aset-java, glibc,"
                + " jemalloc, mimalloc, mimalloc-heap, tcmalloc, jdk-arena, jdk-slicing, netty-pooled\n", r.err());
        r = run("stats", "--allocator", "aset-native", "--trace", "nope");
        assertEquals(2, r.exit());
        assertEquals("allocbench stats: unknown pattern \"nope\"", r.err().substring(0, r.err().indexOf(';')));
    }
}
