package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.replay.LaneResult;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real PostgreSQL 15 AllocSet through a throwaway cluster: exact counters
 * of small traces (PostgreSQL 15's 16-byte chunk header and 40-byte block
 * header; a fresh DEFAULT context is 8192 total, 7928 free, 264 used), equal
 * to our PostgreSQL 15 layout on generated patterns, bad traces refused with
 * the op's index, and the cluster's directory gone after close. Skipped where
 * PostgreSQL 15 is not installed.
 */
class RealPostgresIT {

    @RegisterExtension
    static final ThrowawayCluster CLUSTER = new ThrowawayCluster();

    private static PgCluster cluster() {
        return CLUSTER.get();
    }

    private static MemoryContextCounters counters(OpSequence.Builder trace) {
        OpSequence ops = trace.build();
        return PgReplay.replay(cluster().connection(), ops.encoded(), ops.slots(), 1).counters();
    }

    @Test
    void freshContextIsPostgres15s() {
        // a 0 1, R: the context is back to its fresh state
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7928, 264),
                counters(new OpSequence.Builder("fresh", 1).add(OpSequence.ALLOC, 0, 1).add(OpSequence.RESET, 0, 0)));
    }

    @Test
    void smallChunksCountHeaderAndPowerOfTwo() {
        // 1 byte: an 8-byte chunk plus the 16-byte PG15 header
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7904, 288),
                counters(new OpSequence.Builder("one", 1).add(OpSequence.ALLOC, 0, 1)));
        // 100 bytes -> 128-byte chunk, freed: on its freelist, 144 bytes counted free again
        assertEquals(new MemoryContextCounters(1, 1, 8192, 7928, 264),
                counters(new OpSequence.Builder("freed", 1).add(OpSequence.ALLOC, 0, 100).add(OpSequence.FREE, 0, 0)));
        // 300 bytes zeroed, grown to 500 in place (512-byte chunk)
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7928 - 528, 264 + 528),
                counters(new OpSequence.Builder("grow", 1).add(OpSequence.ALLOC_ZEROED, 0, 300)
                        .add(OpSequence.REALLOC, 0, 500)));
    }

    @Test
    void largeChunkHasItsOwnBlock() {
        // 10000 > 8192: a dedicated block of 10000 + 40 (block header) + 16 (chunk header)
        assertEquals(new MemoryContextCounters(2, 0, 8192 + 10056, 7928, 264 + 10056),
                counters(new OpSequence.Builder("large", 1).add(OpSequence.ALLOC, 0, 10000)));
    }

    @Test
    void patternsAreSaneAndEqualOurPg15Layout() {
        for (Pattern p : new Pattern[] {Pattern.SMALL_CHURN, Pattern.PER_TUPLE_BATCHES, Pattern.LARGE_CHUNKS}) {
            OpSequence ops = p.generate(3000, 7);
            LaneResult real = PgReplay.replay(cluster().connection(), ops.encoded(), ops.slots(), 3);
            MemoryContextCounters c = real.counters();
            assertTrue(c.blocks() >= 1 && c.totalBytes() >= 8192, p + ": " + c);
            assertEquals(c.totalBytes(), c.freeBytes() + c.usedBytes(), p + ": " + c);
            assertTrue(c.freeBytes() >= 0 && c.usedBytes() > 0, p + ": " + c);
            assertTrue(real.medianNsPerOp() > 0 && Double.isFinite(real.medianNsPerOp()), p + ": " + real);
            assertEquals(3, real.nsPerIteration().length, p + ": one time per iteration");
            assertEquals(3, real.minorFaults().length, p + ": one fault count per iteration");
            assertTrue(java.util.Arrays.stream(real.minorFaults()).allMatch(f -> f >= 0), p + ": " + real);
            MemoryContextCounters ours = NativeReplay.variant("pg15")
                    .allocSet(ops.encoded(), ops.slots(), AllocSetSizes.DEFAULT, 1, false).statsBeforeDelete();
            assertEquals(c, ours, p.patternName());
        }
    }

    @Test
    void badTraceIsRefusedNamingTheOp() {
        long[] ops = {OpSequence.encode(OpSequence.ALLOC, 0, 16), OpSequence.encode(OpSequence.FREE, 1, 0)};
        PgReplayException e = assertThrows(PgReplayException.class,
                () -> PgReplay.replay(cluster().connection(), ops, 2, 1));
        assertTrue(e.getMessage().contains("invalid trace at op 1: 'f' on slot 1, which is empty"), e.getMessage());
        long[] outOfRange = {OpSequence.encode(OpSequence.ALLOC, 5, 16)};
        e = assertThrows(PgReplayException.class, () -> PgReplay.replay(cluster().connection(), outOfRange, 2, 1));
        assertTrue(e.getMessage().contains("invalid trace at op 0: 'a' on slot 5, out of range"), e.getMessage());
        // the connection is still usable after the error
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7904, 288),
                counters(new OpSequence.Builder("one", 1).add(OpSequence.ALLOC, 0, 1)));
    }

    @Test
    void closeStopsTheServerAndRemovesTheDirectory() throws IOException {
        Path dir;
        int port;
        try (PgCluster own = PgCluster.start()) {
            dir = own.directory();
            port = own.port();
            assertTrue(Files.isDirectory(dir.resolve("data")), dir.toString());
            assertTrue(own.serverVersion().startsWith("PostgreSQL 15."), own.serverVersion());
        }
        assertFalse(Files.exists(dir), dir + " is still there");
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                "the server still listens on " + port);
    }

    /**
     * The pg15-real lane on a version 2 trace (a tree of contexts): timed in the backend, with the root's
     * counters before the last delete equal to our PostgreSQL 15 library's C lane on the same trace, and a
     * trace of several threads refused with the reason.
     */
    @Test
    void aVersion2TraceIsTimedInTheBackendWithTheRootsCountersOfOurs() throws Exception {
        OpSequence tree = org.allocbench.trace.TraceReader.read(new java.io.ByteArrayInputStream("""
                trace 2
                slots 4
                contexts 3
                threads 1
                a 3 5000
                c 1 0 0 8192 8388608 ExecutorState
                u 1
                a 0 100
                c 2 1 0 1024 8192 ExprContext
                u 2
                a 1 40
                f 0
                R 2
                a 2 64
                u 0
                a 0 300
                d 1
                """.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), "tree.trace");
        LaneResult real = PgReplay.replayWarm(cluster(), tree, 3);
        assertEquals(3, real.nsPerIteration().length);
        LaneResult ours = org.allocbench.replay.WholeTraceRunner.run(
                org.allocbench.replay.WholeTraceLane.ASET_PG15, java.util.List.of(tree), 3).get(0);
        assertEquals(ours.counters(), real.counters());
        // The root (PostgreSQL 15 layout, DEFAULT sizes): the keeper block of 8192 has 7928 free after the
        // 224-byte context and the 40-byte block header. a 3 5000 needs a chunk of 8192 + 16 (header): it does
        // not fit, so the keeper's rest is carved into free chunks of 4096, 2048, 1024, 512, 128 and 16 (each
        // + 16; 8 bytes stay), and a block of 16384 (8192 doubled until 8192 + 16 + 40 fit) takes it, leaving
        // 8136. The child contexts live in blocks of their own. a 0 300 (a chunk of 512) takes the free 512.
        // So: 24576 total in 2 blocks; free 8 + 8136 + (4112 + 2064 + 1040 + 144 + 32) = 15536 in 5 chunks.
        assertEquals(new MemoryContextCounters(2, 5, 24576, 15536, 9040), real.counters());
        OpSequence threaded = new org.allocbench.replay.V2Traces.Builder("two", 2, 1, 2).a(0, 8).t(1).a(1, 8).build();
        assertEquals("a PostgreSQL backend is one thread; trace two has 2 threads",
                PgTraceSupport.cannotReplay(threaded));
        assertEquals(null, PgTraceSupport.cannotReplay(tree));
    }
}
