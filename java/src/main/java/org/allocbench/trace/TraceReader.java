package org.allocbench.trace;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads and fully validates a trace in format version 1 or 2
 * (docs/trace-format.md) into an {@link OpSequence}: either the whole trace is
 * valid and comes back, or a {@link TraceFormatException} names the first bad
 * line and what is wrong. Version 2's context rules (live contexts, resets and
 * deletes of subtrees, the chunk's context of r and f) are
 * {@link TraceSimulation}'s, the same code the replay plans check with; this
 * class turns its problems into line errors. A version 1 file takes the
 * version 1 loop, untouched by version 2.
 *
 * <p>Strictness. The format is also read by tools outside the project, so this
 * reader accepts only what every reasonable reading of the grammar accepts:
 * <ul>
 * <li>Lines end with LF. A CR before the LF (a CRLF file) is rejected with a
 *     message saying so: the grammar has single-space separated fields and
 *     nothing else, and a strict reader elsewhere would see "100\r" as a
 *     malformed number. The last line may lack its LF.</li>
 * <li>A blank line is an empty line; a line of spaces is malformed. A comment
 *     is a line whose first byte is {@code #}; it may hold printable ASCII and
 *     tabs (the format is ASCII), op lines only printable ASCII.</li>
 * <li>Numbers are unsigned decimal: digits only, no sign, and no leading zero
 *     (so that no reader can take {@code 010} for octal 8); values that do not
 *     fit are reported as out of range, never wrapped.</li>
 * <li>A trace may have no ops at all (just the two header lines).</li>
 * </ul>
 *
 * <p>Bounded and fast. The input is scanned as bytes in a 64 KiB buffer: no
 * String, regex or split per line (the error path alone builds Strings). Any
 * line, comments included, longer than {@link #MAX_LINE} bytes is an error, so
 * the buffer never grows; slot states are a bitmap (2 MiB at the most slots);
 * ops go into chunks that are copied once into the exact-size array at the
 * end, so the peak is twice the final 8 bytes per op. Gzip input (a name
 * ending in {@code .gz}, or the gzip magic bytes whatever the name) can expand
 * a small file into many ops: pass a {@code maxOps} to bound memory then.
 */
public final class TraceReader {

    /** Longest line accepted, in bytes, not counting its LF. */
    public static final int MAX_LINE = 1024;
    /** The default op limit: the longest Java array. */
    public static final int DEFAULT_MAX_OPS = Integer.MAX_VALUE - 8;

    private static final int BUFFER = 1 << 16;
    private static final int FIRST_CHUNK = 256;
    private static final int MAX_CHUNK = 1 << 16;
    /** Numbers stop growing here: larger than every limit, and no overflow. */
    private static final long SATURATED = 1_000_000_000_000L;
    private static final String SLOTS_FORM = "\"slots N\" with 1 <= N <= " + OpSequence.MAX_SLOTS;
    private static final String CONTEXTS_FORM = "\"contexts M\" with 1 <= M <= " + Placement.MAX_CONTEXTS;
    private static final String THREADS_FORM = "\"threads T\" with 1 <= T <= " + Placement.MAX_THREADS;
    private static final String MAGIC = "\"trace 1\" or \"trace 2\"";
    /** AllocSet's rule, and the format's: the largest MAX is below 1 GiB. */
    static final long MAX_BLOCK_LIMIT = 1L << 30;
    static final int MAX_NAME = 64;

    final String display;
    private final int maxOps;
    private InputStream in;
    private boolean gzip;

    final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    /** The current line: buf[lineStart, lineEnd), its LF excluded. */
    int lineStart;
    int lineEnd;
    long lineNumber;

    /** Result of {@link #number}. */
    long number;

    int slots;
    private TraceSlots state;
    /** 1 or 2: the header's version. */
    private int version;

    private final List<long[]> chunks = new ArrayList<>();
    private long[] chunk = new long[FIRST_CHUNK];
    private int inChunk;
    int opCount;

    private TraceReader(String display, int maxOps) {
        this.display = display;
        this.maxOps = maxOps;
    }

    /** Reads a trace file, gzip-compressed or not; the sequence is named after the file. */
    public static OpSequence read(Path file) throws IOException, TraceFormatException {
        return read(file, DEFAULT_MAX_OPS);
    }

    /** As {@link #read(Path)}, rejecting a trace of more than {@code maxOps} ops. */
    public static OpSequence read(Path file, int maxOps) throws IOException, TraceFormatException {
        try (InputStream in = Files.newInputStream(file)) {
            Path fileName = file.getFileName();
            return read(in, file.toString(), fileName == null ? file.toString() : fileName.toString(), maxOps);
        }
    }

    /**
     * Reads a trace from a stream (not closed), gzip-compressed or not.
     * {@code displayName} is the file name used in messages and for the
     * sequence's name; if it ends in {@code .gz} the data must be gzip.
     */
    public static OpSequence read(InputStream in, String displayName) throws IOException, TraceFormatException {
        return read(in, displayName, DEFAULT_MAX_OPS);
    }

    /** As {@link #read(InputStream, String)}, rejecting a trace of more than {@code maxOps} ops. */
    public static OpSequence read(InputStream in, String displayName, int maxOps)
            throws IOException, TraceFormatException {
        return read(in, displayName, displayName, maxOps);
    }

    private static OpSequence read(InputStream in, String display, String fileName, int maxOps)
            throws IOException, TraceFormatException {
        if (maxOps < 0 || maxOps > DEFAULT_MAX_OPS) {
            throw new IllegalArgumentException("maxOps must be 0.." + DEFAULT_MAX_OPS + ", not " + maxOps);
        }
        TraceReader reader = new TraceReader(display, maxOps);
        try {
            reader.open(in);
            return reader.parse(sequenceName(fileName));
        } finally {
            if (reader.gzip && reader.in != null) {
                reader.in.close(); // frees the inflater now; the caller's stream is shielded from the close
            }
        }
    }

    /**
     * The sequence name for a file name: its last path element without
     * {@code .gz} and then without its last extension
     * ({@code traces/small.trace.gz} gives {@code small}).
     */
    public static String sequenceName(String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        if (endsWithGz(name)) {
            name = name.substring(0, name.length() - 3);
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static boolean endsWithGz(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    // ---- input ----

    private void open(InputStream raw) throws IOException, TraceFormatException {
        PushbackInputStream pushback = new PushbackInputStream(raw, 2);
        byte[] magic = new byte[2];
        int got = 0;
        while (got < 2) {
            int n = pushback.read(magic, got, 2 - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        pushback.unread(magic, 0, got);
        gzip = got == 2 && magic[0] == (byte) 0x1f && magic[1] == (byte) 0x8b;
        if (!gzip && endsWithGz(display)) {
            throw new TraceFormatException(display, 0, got == 0
                    ? "not gzip data: the name ends in .gz but the file is empty"
                    : "not gzip data: the name ends in .gz but the file does not start with the gzip magic bytes 1f 8b");
        }
        if (gzip) {
            InputStream shield = new FilterInputStream(pushback) {
                @Override
                public void close() {
                    // the caller closes its own stream
                }
            };
            try {
                in = new GZIPInputStream(shield, BUFFER);
            } catch (ZipException | EOFException e) {
                throw corruptGzip(e);
            }
        } else {
            in = pushback;
        }
    }

    private TraceFormatException corruptGzip(IOException e) {
        String detail = e.getMessage() != null ? e.getMessage()
                : e instanceof EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
        return new TraceFormatException(display, 0, "corrupt gzip data"
                + (lineNumber > 0 ? " after line " + lineNumber : "") + ": " + detail);
    }

    /** Reads more bytes after {@code lim}; sets {@code eof} at the end. */
    private void fill() throws IOException, TraceFormatException {
        int n;
        do {
            try {
                n = in.read(buf, lim, buf.length - lim);
            } catch (ZipException | EOFException e) {
                if (gzip) {
                    throw corruptGzip(e);
                }
                throw e;
            }
        } while (n == 0);
        if (n < 0) {
            eof = true;
        } else {
            lim += n;
        }
    }

    /** Advances to the next line (sets lineStart, lineEnd, lineNumber); false at the end of the input. */
    boolean nextLine() throws IOException, TraceFormatException {
        byte[] b = buf;
        int scan = pos;
        while (true) {
            int limit = lim;
            for (int i = scan; i < limit; i++) {
                if (b[i] == '\n') {
                    lineNumber++;
                    lineStart = pos;
                    lineEnd = i;
                    pos = i + 1;
                    if (i - lineStart > MAX_LINE) {
                        throw tooLong();
                    }
                    return true;
                }
            }
            if (limit - pos > MAX_LINE) {
                lineNumber++;
                lineStart = pos;
                lineEnd = limit;
                throw tooLong();
            }
            if (eof) {
                if (pos == limit) {
                    return false;
                }
                lineNumber++;
                lineStart = pos;
                lineEnd = limit;
                pos = limit;
                return true;
            }
            if (pos > 0) {
                System.arraycopy(b, pos, b, 0, limit - pos);
                lim = limit - pos;
                pos = 0;
            }
            scan = lim;
            fill();
        }
    }

    private TraceFormatException tooLong() {
        return error("line longer than " + MAX_LINE + " bytes (" + quoted() + ")");
    }

    /** Skips blank and comment lines (checking comments); false at the end of the input. */
    private boolean nextContentLine() throws IOException, TraceFormatException {
        while (nextLine()) {
            if (lineEnd == lineStart) {
                continue;
            }
            if (buf[lineStart] == '#') {
                checkComment();
                continue;
            }
            return true;
        }
        return false;
    }

    void checkComment() throws TraceFormatException {
        byte[] b = buf;
        int e = lineEnd;
        for (int i = lineStart + 1; i < e; i++) {
            byte c = b[i];
            if ((c < 0x20 || c > 0x7e) && c != '\t') {
                if (c == '\r' && i == e - 1) {
                    throw error(crlf());
                }
                throw error(String.format("byte 0x%02x in a comment is not printable ASCII (%s)", c & 0xff, quoted()));
            }
        }
    }

    // ---- parsing ----

    private OpSequence parse(String name) throws IOException, TraceFormatException {
        if (!nextContentLine()) {
            throw new TraceFormatException(display, 0, lineNumber == 0
                    ? "empty file: expected " + MAGIC
                    : "no header: expected " + MAGIC + ", found only comments and blank lines");
        }
        checkMagic();
        String magic = "\"trace " + version + "\"";
        if (!nextContentLine()) {
            throw new TraceFormatException(display, 0, "end of file after " + magic + ": expected " + SLOTS_FORM);
        }
        slots = (int) headerNumber("slots ", 1, OpSequence.MAX_SLOTS, SLOTS_FORM);
        if (version == 1) {
            state = new TraceSlots(slots);
            parseOps();
            return new OpSequence(name, slots, collect());
        }
        if (!nextContentLine()) {
            throw new TraceFormatException(display, 0, "end of file after \"slots\": expected " + CONTEXTS_FORM);
        }
        int contexts = (int) headerNumber("contexts ", 1, Placement.MAX_CONTEXTS, CONTEXTS_FORM);
        if (!nextContentLine()) {
            throw new TraceFormatException(display, 0, "end of file after \"contexts\": expected " + THREADS_FORM);
        }
        int threads = (int) headerNumber("threads ", 1, Placement.MAX_THREADS, THREADS_FORM);
        return new TraceReaderV2(this, contexts, threads).parse(name);
    }

    private boolean lineIs(String text) {
        int n = lineEnd - lineStart;
        if (n != text.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buf[lineStart + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean endsWithCr() {
        return lineEnd > lineStart && buf[lineEnd - 1] == '\r';
    }

    private void checkMagic() throws TraceFormatException {
        if (lineIs("trace 1") || lineIs("trace 2")) {
            version = buf[lineStart + 6] - '0';
            return;
        }
        if (endsWithCr()) {
            throw error(crlf());
        }
        int start = lineStart + 6;
        if (startsWith("trace ") && number(start, lineEnd) == lineEnd) {
            throw error("unsupported format version " + field(start, lineEnd)
                    + ": this reader reads versions 1 and 2 (" + quoted() + ")");
        }
        throw error("expected " + MAGIC + ", found " + quoted());
    }

    /** A header line {@code prefix N} with {@code min <= N <= max}; {@code form} says so in the error. */
    private long headerNumber(String prefix, long min, long max, String form) throws TraceFormatException {
        if (endsWithCr()) {
            throw error(crlf());
        }
        int start = lineStart + prefix.length();
        if (startsWith(prefix) && number(start, lineEnd) == lineEnd && number >= min && number <= max) {
            return number;
        }
        throw error("expected " + form + ", found " + quoted());
    }

    private boolean startsWith(String prefix) {
        if (lineEnd - lineStart < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[lineStart + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses an unsigned decimal number at {@code p} that ends at a space or at
     * {@code end}; returns the index just after it (the space or {@code end}),
     * or -1 if there is no well-formed number there. The value goes to
     * {@link #number}, saturated at {@link #SATURATED}.
     */
    int number(int p, int end) {
        byte[] b = buf;
        if (p >= end) {
            return -1;
        }
        int d = b[p] - '0';
        if (d < 0 || d > 9) {
            return -1;
        }
        long v = d;
        p++;
        if (d == 0) {
            if (p < end && b[p] != ' ') {
                return -1; // a leading zero, or garbage
            }
            number = 0;
            return p;
        }
        while (p < end) {
            int x = b[p] - '0';
            if (x < 0 || x > 9) {
                if (b[p] != ' ') {
                    return -1;
                }
                break;
            }
            if (v < SATURATED) {
                v = v * 10 + x;
            }
            p++;
        }
        number = v;
        return p;
    }

    private void parseOps() throws IOException, TraceFormatException {
        final byte[] b = buf;
        final TraceSlots slotState = state;
        final int slotCount = slots;
        while (nextLine()) {
            int s = lineStart;
            int e = lineEnd;
            if (s == e) {
                continue;
            }
            byte c = b[s];
            byte kind;
            switch (c) {
                case 'a', 'z', 'r' -> {
                    int p = (e - s >= 2 && b[s + 1] == ' ') ? number(s + 2, e) : -1;
                    if (p < 0 || p == e) {
                        throw malformed();
                    }
                    long slot = number;
                    int q = number(p + 1, e);
                    if (q != e) {
                        throw malformed();
                    }
                    long size = number;
                    if (slot >= slotCount) {
                        throw slotOutOfRange(s + 2, p);
                    }
                    if (size < 1 || size > OpSequence.MAX_SIZE) {
                        throw error("size " + field(p + 1, e) + " out of range: 1 <= SIZE <= " + OpSequence.MAX_SIZE
                                + " (" + quoted() + ")");
                    }
                    if (c == 'r') {
                        if (!slotState.isFull((int) slot)) {
                            throw emptySlot(slot);
                        }
                        kind = OpSequence.REALLOC;
                    } else {
                        if (slotState.isFull((int) slot)) {
                            throw error("slot " + slot + " is already full (" + quoted() + ")");
                        }
                        slotState.fill((int) slot);
                        kind = c == 'a' ? OpSequence.ALLOC : OpSequence.ALLOC_ZEROED;
                    }
                    add(OpSequence.encode(kind, (int) slot, size));
                }
                case 'f' -> {
                    int p = (e - s >= 2 && b[s + 1] == ' ') ? number(s + 2, e) : -1;
                    if (p != e) {
                        throw malformed();
                    }
                    long slot = number;
                    if (slot >= slotCount) {
                        throw slotOutOfRange(s + 2, p);
                    }
                    if (!slotState.isFull((int) slot)) {
                        throw emptySlot(slot);
                    }
                    slotState.empty((int) slot);
                    add(OpSequence.encode(OpSequence.FREE, (int) slot, 0));
                }
                case 'R' -> {
                    if (e - s != 1) {
                        throw malformed();
                    }
                    slotState.reset();
                    add(OpSequence.encode(OpSequence.RESET, 0, 0));
                }
                case '#' -> checkComment();
                default -> throw malformed();
            }
        }
    }

    void add(long op) throws TraceFormatException {
        if (opCount == maxOps) {
            throw error("more than " + maxOps + " ops, the limit of this reading (" + quoted() + ")");
        }
        if (inChunk == chunk.length) {
            chunks.add(chunk);
            chunk = new long[Math.min(chunk.length * 2, MAX_CHUNK)];
            inChunk = 0;
        }
        chunk[inChunk++] = op;
        opCount++;
    }

    long[] collect() {
        long[] ops = new long[opCount];
        int at = 0;
        for (long[] c : chunks) {
            System.arraycopy(c, 0, ops, at, c.length);
            at += c.length;
        }
        System.arraycopy(chunk, 0, ops, at, inChunk);
        return ops;
    }

    // ---- messages (the error path: Strings are fine here) ----

    TraceFormatException error(String problem) {
        return new TraceFormatException(display, lineNumber, problem);
    }

    TraceFormatException slotOutOfRange(int from, int to) {
        return error("slot " + field(from, to) + " out of range: the trace has " + slots + " slots (0.." + (slots - 1)
                + ") (" + quoted() + ")");
    }

    TraceFormatException emptySlot(long slot) {
        return error("slot " + slot + " is empty (" + quoted() + ")");
    }

    String crlf() {
        return "line ends with a carriage return (a CRLF line ending); trace lines end with LF alone (" + quoted() + ")";
    }

    /** A number's text from the current line, shortened if absurdly long. */
    String field(int from, int to) {
        String text = new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
        return text.length() > 24 ? text.substring(0, 20) + "... (" + text.length() + " digits)" : text;
    }

    String lineText() {
        return new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.ISO_8859_1);
    }

    String quoted() {
        return quote(lineText());
    }

    /**
     * A line in double quotes, escaped ({@code \" \\ \r \t \xNN}); a longer
     * line shows its first 64 bytes and {@code ...} after the closing quote.
     */
    static String quote(String line) {
        int shown = Math.min(line.length(), 64);
        StringBuilder out = new StringBuilder(shown + 8).append('"');
        for (int i = 0; i < shown; i++) {
            char c = line.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (shown < line.length()) {
            out.append("...");
        }
        return out.toString();
    }

    /** The message for a line the fast path found malformed: the first thing wrong with it. */
    TraceFormatException malformed() {
        return error(describeMalformed(lineText(), version) + " (" + quoted() + ")");
    }

    static String describeMalformed(String line) {
        return describeMalformed(line, 1);
    }

    /** What is wrong with an op or directive line of a trace of {@code version}. */
    static String describeMalformed(String line, int version) {
        if (line.endsWith("\r")) {
            return "line ends with a carriage return (a CRLF line ending); trace lines end with LF alone";
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                return "malformed line: a tab; fields are separated by single spaces";
            }
            if (c < 0x20 || c > 0x7e) {
                return String.format("malformed line: byte 0x%02x is not printable ASCII", (int) c);
            }
        }
        if (line.startsWith(" ")) {
            return "malformed line: leading space";
        }
        boolean v2 = version >= 2;
        String first = line.split(" ", 2)[0];
        String form = switch (first) {
            case "a", "z", "r" -> first + " S SIZE";
            case "f" -> "f S";
            case "R" -> v2 && line.length() > 1 ? "R C" : "R";
            case "t" -> v2 ? "t T" : null;
            case "u" -> v2 ? "u C" : null;
            case "d" -> v2 ? "d C" : null;
            case "e" -> v2 ? "e C TOTAL BLOCKS FREECHUNKS FREE" : null;
            case "c" -> v2 ? "c C P MINCTX INIT MAX NAME" : null;
            default -> null;
        };
        if (form == null) {
            return "unknown op \"" + first + "\": expected " + (v2 ? "a, z, r, f, R, c or d, or a directive t, u or e"
                    : "a, z, r, f or R");
        }
        String[] names = form.split(" ");
        String[] fields = line.split(" ", first.equals("c") ? names.length : -1);
        if (first.equals("c") && fields.length == names.length) {
            String numbers = fieldProblem(Arrays.copyOf(fields, names.length - 1),
                    Arrays.copyOf(names, names.length - 1), false);
            String problem = numbers != null ? numbers : nameProblem(fields[names.length - 1]);
            return "malformed line: " + problem + "; expected \"" + form + "\"";
        }
        String problem = fieldProblem(fields, names, true);
        return "malformed line: " + (problem == null ? "not a valid op" : problem) + "; expected \"" + form + "\"";
    }

    /** What is wrong with a context's name, or "not a valid op". */
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "trailing space";
        }
        if (name.startsWith(" ")) {
            return "double space";
        }
        if (name.endsWith(" ")) {
            return "trailing space";
        }
        if (name.contains("  ")) {
            return "NAME has a double space";
        }
        if (name.length() > MAX_NAME) {
            return "NAME is longer than " + MAX_NAME + " characters";
        }
        return "not a valid op";
    }

    /** The first bad field, or null; {@code complete}: the fields are the whole line (else a prefix). */
    private static String fieldProblem(String[] fields, String[] names, boolean complete) {
        for (int i = 1; i < fields.length; i++) {
            if (fields[i].isEmpty()) {
                return i == fields.length - 1 ? "trailing space" : "double space";
            }
        }
        if (fields.length < names.length) {
            return "missing " + names[fields.length];
        }
        if (complete && fields.length > names.length) {
            return "extra field \"" + fields[names.length] + "\"";
        }
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i];
            String shown = f.length() > 24 ? f.substring(0, 20) + "..." : f;
            if (f.charAt(0) == '+' || f.charAt(0) == '-') {
                return names[i] + " \"" + shown + "\" has a sign; numbers are unsigned decimal";
            }
            for (int k = 0; k < f.length(); k++) {
                if (f.charAt(k) < '0' || f.charAt(k) > '9') {
                    return names[i] + " \"" + shown + "\" is not an unsigned decimal number";
                }
            }
            if (f.length() > 1 && f.charAt(0) == '0') {
                return names[i] + " \"" + shown + "\" has a leading zero";
            }
        }
        return null;
    }
}
