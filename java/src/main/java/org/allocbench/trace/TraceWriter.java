package org.allocbench.trace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an {@link OpSequence} as a trace in format version 1 or 2
 * (docs/trace-format.md; the sequence's {@link OpSequence#version()}):
 * optional {@code #} comment lines first (a generator's name and seed, say),
 * then the header and one line per op, LF line endings. Gzip-compressed
 * (deflate level 1, for speed) when the file name ends in {@code .gz}.
 *
 * <p>Version 2 is written in one canonical way, so that reading and writing a
 * file gives it back byte for byte when it was written this way: a {@code t}
 * line only when the next op's thread differs from the last one's; a
 * {@code u} line only just before an {@code a} or {@code z} whose context is
 * not its thread's current one; every reset as {@code R C}; each {@code e}
 * line just before the op it precedes (before any {@code t} or {@code u}).
 *
 * <p>The sequence is checked before a byte is written, so the writer never
 * produces a file that {@link TraceReader} rejects: an invalid sequence (a
 * slot out of range, an alloc into a full slot, a free of an empty one, a size
 * out of 1..MaxAllocSize, or a non-canonical encoding such as a free carrying
 * a size) is an {@link IllegalArgumentException} naming the op. Digits are
 * written straight into a byte buffer: no String or format per op.
 */
public final class TraceWriter {

    private static final int BUFFER = 1 << 16;
    /** Room for the longest op line, "a 16777215 1073741823\n" (22 bytes), with margin. */
    private static final int LONGEST_OP = 32;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int n;

    private TraceWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes a trace file without comments. */
    public static void write(OpSequence ops, Path file) throws IOException {
        write(ops, file, List.of());
    }

    /**
     * Writes a trace file, gzip-compressed if its name ends in {@code .gz}.
     * Each comment becomes a line {@code # comment} before the header.
     */
    public static void write(OpSequence ops, Path file, List<String> comments) throws IOException {
        check(ops, comments);
        boolean gzip = file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? fastGzip(raw) : raw) {
            new TraceWriter(out).writeAll(ops, comments);
        }
    }

    /**
     * Gzip at deflate level 1: on trace text about five times faster than the
     * default level 6, for files about 12% larger.
     */
    private static OutputStream fastGzip(OutputStream raw) throws IOException {
        return new GZIPOutputStream(raw, BUFFER) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    /** Writes an uncompressed trace to a stream, which is flushed but not closed. */
    public static void write(OpSequence ops, OutputStream out, List<String> comments) throws IOException {
        check(ops, comments);
        new TraceWriter(out).writeAll(ops, comments);
        out.flush();
    }

    /**
     * Throws IllegalArgumentException unless the sequence is a valid trace and
     * every comment fits on one comment line (printable ASCII and tabs, at most
     * {@link TraceReader#MAX_LINE} bytes with its {@code "# "}).
     */
    public static void check(OpSequence ops, List<String> comments) {
        for (String comment : comments) {
            if (comment.length() + 2 > TraceReader.MAX_LINE) {
                throw new IllegalArgumentException("comment longer than " + (TraceReader.MAX_LINE - 2) + " characters");
            }
            for (int i = 0; i < comment.length(); i++) {
                char c = comment.charAt(i);
                if ((c < 0x20 || c > 0x7e) && c != '\t') {
                    throw new IllegalArgumentException(String.format(
                            "comment character U+%04X is not printable ASCII: %s", (int) c,
                            TraceReader.quote(comment)));
                }
            }
        }
        if (ops.placement() != null) {
            checkVersion2(ops);
            return;
        }
        int slots = ops.slots();
        TraceSlots state = new TraceSlots(slots);
        for (int i = 0; i < ops.length(); i++) {
            byte kind = ops.kind(i);
            int slot = ops.slot(i);
            long size = ops.size(i);
            boolean sized = kind == OpSequence.ALLOC || kind == OpSequence.ALLOC_ZEROED || kind == OpSequence.REALLOC;
            String problem = null;
            if (kind < OpSequence.ALLOC || kind > OpSequence.RESET) {
                problem = "kind " + kind + " is not an op";
            } else if (kind == OpSequence.RESET) {
                if (slot != 0 || size != 0) {
                    problem = "a reset carries slot " + slot + " and size " + size + " (both must be 0)";
                } else {
                    state.reset();
                }
            } else if (slot >= slots) {
                problem = "slot " + slot + " out of range (" + slots + " slots)";
            } else if (sized && (size < 1 || size > OpSequence.MAX_SIZE)) {
                problem = "size " + size + " out of range 1.." + OpSequence.MAX_SIZE;
            } else if (kind == OpSequence.FREE && size != 0) {
                problem = "a free carries size " + size + " (must be 0)";
            } else if (kind == OpSequence.REALLOC || kind == OpSequence.FREE) {
                if (!state.isFull(slot)) {
                    problem = (kind == OpSequence.FREE ? "free" : "realloc") + " of slot " + slot + ", which is empty";
                } else if (kind == OpSequence.FREE) {
                    state.empty(slot);
                }
            } else if (state.isFull(slot)) {
                problem = "alloc into slot " + slot + ", which is full";
            } else {
                state.fill(slot);
            }
            if (problem != null) {
                throw new IllegalArgumentException("cannot write " + ops.name() + ": op " + i + ": " + problem);
            }
        }
    }

    /** The version 2 rules ({@link TraceSimulation}'s), the canonical encoding, names, sizes, expectations. */
    private static void checkVersion2(OpSequence ops) {
        Placement placement = ops.placement();
        TraceSimulation sim = new TraceSimulation(ops);
        List<Expectation> expected = placement.expectations();
        int next = 0;
        int n = ops.length();
        for (int i = 0; i <= n; i++) {
            for (; next < expected.size() && expected.get(next).beforeOp() <= i; next++) {
                Expectation x = expected.get(next);
                if (x.beforeOp() < i || x.context() >= placement.contextCount() || !sim.live(x.context())
                        || x.totalBytes() < 0 || x.blocks() < 0 || x.freeChunks() < 0 || x.freeBytes() < 0
                        || x.freeBytes() > x.totalBytes()) {
                    throw new IllegalArgumentException("cannot write " + ops.name() + ": expectation " + next
                            + " (" + x + ") is out of order, names a context not live there, or has counters out"
                            + " of range");
                }
            }
            if (i == n) {
                break;
            }
            byte kind = ops.kind(i);
            boolean noSlot = kind == OpSequence.RESET || kind == OpSequence.CREATE || kind == OpSequence.DELETE;
            String problem = null;
            if (kind < OpSequence.ALLOC || kind > OpSequence.DELETE) {
                problem = "kind " + kind + " is not an op";
            } else if (noSlot && (ops.slot(i) != 0 || ops.size(i) != 0)) {
                problem = "a reset, create or delete carries a slot or size (both must be 0)";
            } else if (kind == OpSequence.FREE && ops.size(i) != 0) {
                problem = "a free carries size " + ops.size(i) + " (must be 0)";
            } else if (!noSlot && kind != OpSequence.FREE && (ops.size(i) < 1 || ops.size(i) > OpSequence.MAX_SIZE)) {
                problem = "size " + ops.size(i) + " out of range 1.." + OpSequence.MAX_SIZE;
            } else if (kind == OpSequence.CREATE && placement.context(i) < placement.contextCount()
                    && placement.contexts()[placement.context(i)] != null) {
                ContextSpec spec = placement.contexts()[placement.context(i)];
                problem = TraceReaderV2.sizeProblem(spec.minContextSize(), spec.initBlockSize(),
                        spec.maxBlockSize());
                if (problem == null && !TraceReaderV2.validName(spec.name())) {
                    problem = "context name " + TraceReader.quote(spec.name()) + " is not 1.."
                            + TraceReader.MAX_NAME + " printable ASCII characters with single spaces inside";
                }
            }
            if (problem != null) {
                throw new IllegalArgumentException("cannot write " + ops.name() + ": op " + i + ": " + problem);
            }
            sim.step(ops, i, null);
        }
    }

    private void writeAll(OpSequence ops, List<String> comments) throws IOException {
        for (String comment : comments) {
            ascii(comment.isEmpty() ? "#" : "# " + comment);
            put('\n');
        }
        if (ops.placement() != null) {
            writeVersion2(ops);
            return;
        }
        ascii("trace 1\nslots " + ops.slots() + "\n");
        long[] encoded = ops.encoded();
        for (int i = 0; i < encoded.length; i++) {
            if (n > BUFFER - LONGEST_OP) {
                flush();
            }
            if (!slotOp(ops, i)) {
                buf[n++] = 'R';
            }
            buf[n++] = '\n';
        }
        flush();
    }

    private void writeVersion2(OpSequence ops) throws IOException {
        Placement placement = ops.placement();
        ascii("trace 2\nslots " + ops.slots() + "\ncontexts " + placement.contextCount() + "\nthreads "
                + placement.threads() + "\n");
        List<Expectation> expected = placement.expectations();
        int[] current = new int[placement.threads()];
        int thread = 0;
        int next = 0;
        int count = ops.length();
        for (int i = 0; i <= count; i++) {
            for (; next < expected.size() && expected.get(next).beforeOp() == i; next++) {
                Expectation x = expected.get(next);
                ascii("e " + x.context() + " " + x.totalBytes() + " " + x.blocks() + " " + x.freeChunks() + " "
                        + x.freeBytes() + "\n");
            }
            if (i == count) {
                break;
            }
            if (n > BUFFER - LONGEST_OP * 3) {
                flush();
            }
            int context = placement.context(i);
            if (placement.thread(i) != thread) {
                thread = placement.thread(i);
                buf[n++] = 't';
                buf[n++] = ' ';
                number(thread);
                buf[n++] = '\n';
            }
            byte kind = ops.kind(i);
            if ((kind == OpSequence.ALLOC || kind == OpSequence.ALLOC_ZEROED) && current[thread] != context) {
                current[thread] = context;
                buf[n++] = 'u';
                buf[n++] = ' ';
                number(context);
                buf[n++] = '\n';
            }
            switch (kind) {
                case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED, OpSequence.REALLOC, OpSequence.FREE -> slotOp(ops, i);
                case OpSequence.RESET, OpSequence.DELETE -> {
                    buf[n++] = (byte) (kind == OpSequence.RESET ? 'R' : 'd');
                    buf[n++] = ' ';
                    number(context);
                }
                default -> {
                    ContextSpec spec = placement.contexts()[context];
                    ascii("c " + context + " " + spec.parent() + " " + spec.minContextSize() + " "
                            + spec.initBlockSize() + " " + spec.maxBlockSize() + " " + spec.name());
                }
            }
            put('\n');
        }
        flush();
    }

    /** Op {@code i}'s line without its LF if it is an a, z, r or f (the same in both versions); else false. */
    private boolean slotOp(OpSequence ops, int i) {
        byte kind = ops.kind(i);
        switch (kind) {
            case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED, OpSequence.REALLOC -> {
                buf[n++] = (byte) (kind == OpSequence.ALLOC ? 'a' : kind == OpSequence.ALLOC_ZEROED ? 'z' : 'r');
                buf[n++] = ' ';
                number(ops.slot(i));
                buf[n++] = ' ';
                number(ops.size(i));
                return true;
            }
            case OpSequence.FREE -> {
                buf[n++] = 'f';
                buf[n++] = ' ';
                number(ops.slot(i));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void ascii(String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            put(text.charAt(i));
        }
    }

    private void put(char c) throws IOException {
        if (n == BUFFER) {
            flush();
        }
        buf[n++] = (byte) c;
    }

    /** Appends a non-negative number's decimal digits; the caller made room. */
    private void number(long value) {
        n = TraceDigits.put(buf, n, value);
    }

    private void flush() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }
}
