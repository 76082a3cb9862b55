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
 * Writes an {@link OpSequence} as a trace in format version 1
 * (docs/trace-format.md): optional {@code #} comment lines first (a
 * generator's name and seed, say), then {@code trace 1}, {@code slots N} and
 * one op per line, LF line endings. Gzip-compressed (deflate level 1, for
 * speed) when the file name ends in {@code .gz}.
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

    private void writeAll(OpSequence ops, List<String> comments) throws IOException {
        for (String comment : comments) {
            ascii(comment.isEmpty() ? "#" : "# " + comment);
            put('\n');
        }
        ascii("trace 1\nslots " + ops.slots() + "\n");
        long[] encoded = ops.encoded();
        for (int i = 0; i < encoded.length; i++) {
            if (n > BUFFER - LONGEST_OP) {
                flush();
            }
            byte kind = ops.kind(i);
            switch (kind) {
                case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED, OpSequence.REALLOC -> {
                    buf[n++] = (byte) (kind == OpSequence.ALLOC ? 'a' : kind == OpSequence.ALLOC_ZEROED ? 'z' : 'r');
                    buf[n++] = ' ';
                    number(ops.slot(i));
                    buf[n++] = ' ';
                    number(ops.size(i));
                }
                case OpSequence.FREE -> {
                    buf[n++] = 'f';
                    buf[n++] = ' ';
                    number(ops.slot(i));
                }
                default -> buf[n++] = 'R';
            }
            buf[n++] = '\n';
        }
        flush();
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
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int at = n + digits;
        long v = value;
        do {
            buf[--at] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        n += digits;
    }

    private void flush() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }
}
