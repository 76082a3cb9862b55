package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion of a backend's raw recording (native/pgext/record_pg_format.h) into a version 2 trace, on
 * recordings written here record by record: the exact ops, slots, contexts and expectations, and each thing
 * the format cannot say left out and counted.
 */
class PgRecordingTest {

    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

    private PgRecordingTest record(int kind, long context, long... v) {
        ByteBuffer b = ByteBuffer.allocate(PgRecording.RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(kind).putInt(0).putLong(context);
        for (int i = 0; i < 4; i++) {
            b.putLong(i < v.length ? v[i] : 0);
        }
        raw.writeBytes(b.array());
        return this;
    }

    private PgRecordingTest create(long context, long parent, long min, long init, long max, String name) {
        ByteBuffer b = ByteBuffer.allocate(PgRecording.RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PgRecording.CREATE).putInt(name.length()).putLong(context).putLong(parent).putLong(min)
                .putLong(init).putLong(max);
        raw.writeBytes(b.array());
        byte[] padded = new byte[(name.length() + 7) & ~7];
        System.arraycopy(name.getBytes(StandardCharsets.ISO_8859_1), 0, padded, 0, name.length());
        raw.writeBytes(padded);
        return this;
    }

    private PgRecording.Conversion convert(Path dir) throws IOException {
        Path file = dir.resolve("pg-1.raw");
        Files.write(file, raw.toByteArray());
        return PgRecording.convert(file, "x");
    }

    private static String text(OpSequence ops) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceWriter.write(ops, out, List.of());
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aRecordingBecomesTheTraceItDescribes(@TempDir Path dir) throws IOException {
        record(PgRecording.HEADER, 0, PgRecording.MAGIC, 77)
                .create(0x1000, 0, 0, 8192, 8388608, "ExecutorState")
                .record(PgRecording.ALLOC, 0x1000, 0xa0, 100)
                .create(0x2000, 0x1000, 0, 1024, 8192, "Expr  Context\t")
                .record(PgRecording.ALLOC, 0x2000, 0xb0, 0)
                .record(PgRecording.REALLOC, 0x1000, 0xa0, 0xc0, 300)
                .record(PgRecording.FREE, 0x1000, 0xc0)
                .record(PgRecording.ALLOC, 0x1000, 0xd0, 8)
                .record(PgRecording.EXPECT, 0x2000, 1024, 1, 0, 900)
                .record(PgRecording.DELETE, 0x2000)
                .record(PgRecording.RESET, 0x1000)
                .record(PgRecording.FREE, 0x1000, 0xee) // never seen allocated
                .record(PgRecording.EXPECT, 0x1000, 8192, 1, 0, 7928)
                .record(PgRecording.END, 0, 5, 0);
        PgRecording.Conversion c = convert(dir);
        assertEquals(77, c.pid());
        assertTrue(c.complete());
        assertEquals(5, c.olderOps());
        assertEquals(1, c.unknownFrees());
        assertEquals(1, c.zeroSizes());
        assertEquals("""
                trace 2
                slots 2
                contexts 3
                threads 1
                c 1 0 0 8192 8388608 ExecutorState
                u 1
                a 0 100
                c 2 1 0 1024 8192 Expr Context?
                u 2
                a 1 1
                r 0 300
                f 0
                u 1
                a 0 8
                e 2 1024 1 0 900
                d 2
                R 1
                e 1 8192 1 0 7928
                """, text(c.ops()));
        assertEquals(new ContextSpec(1, 0, 1024, 8192, "Expr Context?"), c.ops().placement().contexts()[2]);
        assertEquals(List.of(new Expectation(7, 2, 1024, 1, 0, 900), new Expectation(9, 1, 8192, 1, 0, 7928)),
                c.ops().placement().expectations());
    }

    @Test
    void hugeAllocationsAndMovedContextsAreLeftOutAndCounted(@TempDir Path dir) throws IOException {
        record(PgRecording.HEADER, 0, PgRecording.MAGIC, 1)
                .create(0x1000, 0, 0, 8192, 8388608, "A")
                .create(0x2000, 0x1000, 0, 8192, 8388608, "B")
                .record(PgRecording.ALLOC, 0x1000, 0xa0, 1L << 31) // above MaxAllocSize
                .record(PgRecording.FREE, 0x1000, 0xa0)
                .record(PgRecording.ALLOC, 0x2000, 0xb0, 16)
                // B was moved under another parent in PostgreSQL: deleting A does not delete it there
                .record(PgRecording.DELETE, 0x1000)
                .record(PgRecording.FREE, 0x2000, 0xb0)
                .record(PgRecording.EXPECT, 0x2000, 8192, 1, 0, 8000)
                .record(PgRecording.DELETE, 0x2000);
        PgRecording.Conversion c = convert(dir);
        assertFalse(c.complete(), "no end record");
        assertEquals(1, c.hugeDropped());
        assertEquals(2, c.movedOps(), "the free and the delete of B after A's delete");
        assertEquals(0, c.unknownFrees());
        assertArrayEquals(new byte[] {OpSequence.CREATE, OpSequence.CREATE, OpSequence.ALLOC, OpSequence.DELETE},
                new byte[] {c.ops().kind(0), c.ops().kind(1), c.ops().kind(2), c.ops().kind(3)});
        assertEquals(4, c.ops().length());
        assertTrue(c.ops().placement().expectations().isEmpty());
    }

    @Test
    void namesBecomeWhatTheFormatTakes() {
        assertEquals("a b", PgRecording.contextName("  a   b  "));
        assertEquals("?", PgRecording.contextName(""));
        assertEquals("x?y", PgRecording.contextName("x\u00e9y"));
        assertEquals(64, PgRecording.contextName("n".repeat(100)).length());
    }
}
