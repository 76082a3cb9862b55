package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the reader against a reference: thousands of mutations of valid
 * traces (bit flips, inserted and deleted bytes, duplicated and swapped lines,
 * huge numbers, very long lines, CRs, op letters changed), random byte strings
 * and corrupted gzip files. Each input must either parse or throw
 * {@link TraceFormatException} - never another exception, never hang (each
 * runs under a timeout) - and the outcome must be exactly the one of a
 * reference reader written the obvious way (regexes, BigInteger, a BitSet):
 * the same ops when valid, the same line number when not. Deterministic: a
 * fixed seed; a failure prints the case number, its seed and the input.
 * Set -Dallocbench.fuzz.verbose=true to see the outcome counts.
 */
class TraceFuzzTest {

    private static final long SEED = 0x7ace_f022_2024L;
    private static final int MUTATED = 9000;
    private static final int RANDOM = 3000;
    private static final int GZIP = 1000;
    private static final long TIMEOUT_MS = 5000;

    private static final String NUM = "(0|[1-9][0-9]*)";
    private static final java.util.regex.Pattern SLOTS = java.util.regex.Pattern.compile("slots " + NUM);
    private static final java.util.regex.Pattern SIZED = java.util.regex.Pattern.compile("([azr]) " + NUM + " " + NUM);
    private static final java.util.regex.Pattern FREE = java.util.regex.Pattern.compile("f " + NUM);
    private static final byte[] INTERESTING = " \n\r\t#azrfRcdtue0123456789+-.\u0000\u00ff\"".getBytes(
            StandardCharsets.ISO_8859_1);
    private static final String[] NUMBERS = {"0", "00", "01", "1", "-1", "+1", "2", "3", "16777215", "16777216",
        "16777217", "1073741823", "1073741824", "2147483648", "4294967296", "9223372036854775807",
        "9223372036854775808", "18446744073709551616", "99999999999999999999999999999999999999", "1e3", ""};

    /** What a reading came to: the ops of a valid trace, or the line (0: the whole file) of the first problem. */
    record Outcome(boolean valid, int slots, long[] ops, long line, int[] where, List<Expectation> expected) {
        Outcome(boolean valid, int slots, long[] ops, long line) {
            this(valid, slots, ops, line, null, null);
        }

        static Outcome rejected(long line) {
            return new Outcome(false, 0, null, line);
        }

        static Outcome of(OpSequence ops) {
            Placement p = ops.placement();
            return new Outcome(true, ops.slots(), ops.encoded(), 0, p == null ? null : p.where(),
                    p == null ? null : p.expectations());
        }

        boolean sameAs(Outcome other) {
            return valid == other.valid && slots == other.slots && Arrays.equals(ops, other.ops) && line == other.line
                    && Arrays.equals(where, other.where) && java.util.Objects.equals(expected, other.expected);
        }

        @Override
        public String toString() {
            return valid ? "valid, " + ops.length + " ops, " + slots + " slots" : "rejected at line " + line;
        }
    }

    @Test
    void everyInputIsReadLikeTheReferenceReadsIt() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trace-fuzz");
            t.setDaemon(true); // a hung parse must not keep the JVM alive
            return t;
        });
        Random random = new Random(SEED);
        List<byte[]> corpus = corpus(random);
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < MUTATED + RANDOM + GZIP; i++) {
                long caseSeed = random.nextLong();
                Random r = new Random(caseSeed);
                byte[] input;
                String name = "fuzz.trace";
                if (i < MUTATED) {
                    input = corpus.get(r.nextInt(corpus.size()));
                    for (int k = 1 + r.nextInt(3); k > 0; k--) {
                        input = mutate(r, input);
                    }
                } else if (i < MUTATED + RANDOM) {
                    input = randomInput(r);
                } else {
                    input = TraceReaderTest.gzip(corpus.get(r.nextInt(corpus.size())));
                    if (r.nextInt(4) > 0) {
                        input = mutateBinary(r, input);
                    }
                    name = r.nextBoolean() ? "fuzz.trace.gz" : "fuzz.trace";
                }
                String problem = check(executor, input, name, outcomes);
                if (problem != null) {
                    fail("fuzz case " + i + " (seed " + SEED + ", case seed " + caseSeed + ", name " + name + "): "
                            + problem + "\ninput, " + input.length + " bytes: " + escape(input)
                            + "\ninput as base64: " + Base64.getEncoder().encodeToString(input));
                }
            }
        } finally {
            executor.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int valid = outcomes.getOrDefault("valid", 0);
        int total = MUTATED + RANDOM + GZIP;
        if (Boolean.getBoolean("allocbench.fuzz.verbose")) {
            System.out.printf("trace fuzz: %d inputs in %.1f s; %d valid; rejections by kind:%n", total, seconds, valid);
            outcomes.forEach((k, v) -> System.out.printf("%7d  %s%n", v, k));
        }
        // the fuzz must stay a fuzz: plenty of both outcomes and many kinds of rejection
        assertTrue(valid > total / 20 && valid < total * 9 / 10, "valid inputs: " + valid + " of " + total);
        assertTrue(outcomes.size() > 25, "kinds of outcome: " + outcomes.keySet());
        assertTrue(seconds < 120, "the fuzz took " + seconds + " s");
    }

    /** Null if the reader handled the input as it must, else what went wrong. */
    private static String check(ExecutorService executor, byte[] input, String name, Map<String, Integer> outcomes)
            throws InterruptedException {
        Future<OpSequence> future = executor.submit(() -> TraceReader.read(new ByteArrayInputStream(input), name));
        Outcome actual;
        try {
            OpSequence ops = future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            TraceWriter.check(ops, List.of()); // whatever the reference says, a result must be a valid trace
            actual = Outcome.of(ops);
            outcomes.merge("valid", 1, Integer::sum);
            if (ops.version() == 2) {
                outcomes.merge("valid version 2", 1, Integer::sum);
            }
        } catch (TimeoutException e) {
            future.cancel(true);
            return "no result within " + TIMEOUT_MS + " ms";
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TraceFormatException tfe)) {
                return "threw " + stackTrace(e.getCause());
            }
            if (!tfe.getMessage().equals(tfe.file() + (tfe.line() > 0 ? ":" + tfe.line() : "") + ": " + tfe.problem())
                    || !tfe.file().equals(name)) {
                return "badly formed message: " + tfe.getMessage();
            }
            actual = Outcome.rejected(tfe.line());
            outcomes.merge(kind(tfe.problem()), 1, Integer::sum);
        } catch (IllegalArgumentException e) {
            return "returned an invalid sequence: " + e.getMessage();
        }
        Outcome expected = reference(input, name);
        if (expected != null && !expected.sameAs(actual)) {
            return "the reader says " + actual + ", the reference " + expected;
        }
        return null;
    }

    /** A rejection's kind: its problem without numbers and quoted text. */
    private static String kind(String problem) {
        String kind = problem;
        for (String cut : List.of(" (\"", ", found ", " after line ")) {
            int at = kind.indexOf(cut);
            kind = at >= 0 ? kind.substring(0, at) : kind;
        }
        return kind.replaceAll("0x[0-9a-f]{2}", "0xNN").replaceAll("\"[^\"]*\"", "\"\"").replaceAll("[0-9]+", "N");
    }

    // ---- the reference reader ----

    /** The outcome the format prescribes, or null when it depends on how a corrupt gzip stream breaks. */
    private static Outcome reference(byte[] input, String name) {
        boolean gzipMagic = input.length >= 2 && input[0] == 0x1f && input[1] == (byte) 0x8b;
        if (name.endsWith(".gz") && !gzipMagic) {
            return Outcome.rejected(0);
        }
        if (gzipMagic) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(input))) {
                input = in.readAllBytes();
            } catch (IOException e) {
                return null; // corrupt: the reader must throw TraceFormatException, at whatever line it got to
            }
        }
        List<String> lines = new ArrayList<>(Arrays.asList(new String(input, StandardCharsets.ISO_8859_1).split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the file ends with a newline (or is empty)
        }
        int header = 0;
        int slots = 0;
        BitSet full = null;
        List<Long> ops = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            long number = i + 1;
            if (line.length() > TraceReader.MAX_LINE) {
                return Outcome.rejected(number);
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == '#') {
                if (!line.chars().skip(1).allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e))) {
                    return Outcome.rejected(number);
                }
                continue;
            }
            if (header == 0) {
                if (line.equals("trace 2")) {
                    return ReferenceReaderV2.read(lines, i + 1);
                }
                if (!line.equals("trace 1")) {
                    return Outcome.rejected(number);
                }
                header = 1;
                continue;
            }
            if (header == 1) {
                Matcher m = SLOTS.matcher(line);
                if (!m.matches() || !within(m.group(1), 1, OpSequence.MAX_SLOTS)) {
                    return Outcome.rejected(number);
                }
                slots = Integer.parseInt(m.group(1));
                full = new BitSet(slots);
                header = 2;
                continue;
            }
            Matcher sized = SIZED.matcher(line);
            Matcher free = FREE.matcher(line);
            if (sized.matches()) {
                if (!within(sized.group(2), 0, slots - 1) || !within(sized.group(3), 1, OpSequence.MAX_SIZE)) {
                    return Outcome.rejected(number);
                }
                int slot = Integer.parseInt(sized.group(2));
                long size = Long.parseLong(sized.group(3));
                char op = sized.group(1).charAt(0);
                if (full.get(slot) != (op == 'r')) {
                    return Outcome.rejected(number);
                }
                full.set(slot);
                byte kind = op == 'a' ? OpSequence.ALLOC : op == 'z' ? OpSequence.ALLOC_ZEROED : OpSequence.REALLOC;
                ops.add(OpSequence.encode(kind, slot, size));
            } else if (free.matches()) {
                if (!within(free.group(1), 0, slots - 1) || !full.get(Integer.parseInt(free.group(1)))) {
                    return Outcome.rejected(number);
                }
                full.clear(Integer.parseInt(free.group(1)));
                ops.add(OpSequence.encode(OpSequence.FREE, Integer.parseInt(free.group(1)), 0));
            } else if (line.equals("R")) {
                full.clear();
                ops.add(OpSequence.encode(OpSequence.RESET, 0, 0));
            } else {
                return Outcome.rejected(number);
            }
        }
        if (header < 2) {
            return Outcome.rejected(0);
        }
        return new Outcome(true, slots, ops.stream().mapToLong(Long::longValue).toArray(), 0);
    }

    private static boolean within(String digits, long min, long max) {
        BigInteger n = new BigInteger(digits);
        return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
    }

    // ---- inputs ----

    private static List<byte[]> corpus(Random random) throws IOException {
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(ascii(TraceReaderTest.EXAMPLE));
        corpus.add(ascii("# a comment\n\ntrace 1\n#\nslots 3\n\na 0 100\nz 1 24\n# mid\nr 0 300\nf 1\na 2 9000\nR\n"
                + "a 0 16"));
        corpus.add(ascii("trace 1\nslots 1\n"));
        corpus.add(ascii("trace 1\nslots 16777216\na 16777215 1073741823\nr 16777215 1\nf 16777215\nz 0 1\nR\n"));
        corpus.add(ascii(TraceReaderV2Test.docsExample()));
        corpus.add(ascii("trace 2\nslots 3\ncontexts 4\nthreads 3\n# x\nc 1 0 0 1024 8192 a b\nu 1\na 0 8\nt 2\n"
                + "c 2 1 4096 1024 65536 Child\nu 2\nz 1 100\nt 1\nr 0 9\nR 1\nu 0\na 0 7\ne 0 8192 1 0 7000\nR\n"));
        for (int i = 0; i < 10; i++) {
            OpSequence tree = org.allocbench.replay.V2Traces.random(random.nextLong(), 5 + random.nextInt(200),
                    1 + random.nextInt(8), 2 + random.nextInt(8), 1 + random.nextInt(3), 5000);
            corpus.add(ascii(TraceTesting.text(tree, List.of())));
        }
        for (int i = 0; i < 12; i++) {
            int slots = 1 + random.nextInt(i < 8 ? 6 : 300);
            OpSequence ops = TraceTesting.randomSequence(random, "c" + i, 5 + random.nextInt(i < 8 ? 40 : 800), slots);
            corpus.add(ascii(TraceTesting.text(ops, i % 3 == 0 ? List.of("corpus " + i, "") : List.of())));
        }
        return corpus;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] mutate(Random r, byte[] in) {
        List<Integer> starts = lineStarts(in);
        int at = in.length == 0 ? 0 : r.nextInt(in.length + 1);
        return switch (r.nextInt(14)) {
            case 0 -> { // flip a bit
                if (in.length == 0) {
                    yield in;
                }
                byte[] out = in.clone();
                out[r.nextInt(in.length)] ^= (byte) (1 << r.nextInt(8));
                yield out;
            }
            case 1 -> { // overwrite a byte
                if (in.length == 0) {
                    yield in;
                }
                byte[] out = in.clone();
                out[r.nextInt(in.length)] = INTERESTING[r.nextInt(INTERESTING.length)];
                yield out;
            }
            case 2 -> insert(in, at, new byte[] {INTERESTING[r.nextInt(INTERESTING.length)]});
            case 3 -> { // delete a few bytes
                int n = Math.min(in.length - Math.min(at, in.length), 1 + r.nextInt(16));
                yield splice(in, Math.min(at, in.length), n, new byte[0]);
            }
            case 4 -> { // duplicate a line
                int line = r.nextInt(starts.size());
                byte[] text = lineWithNewline(in, starts, line);
                yield insert(in, starts.get(line), text);
            }
            case 5 -> { // delete a line
                int line = r.nextInt(starts.size());
                yield splice(in, starts.get(line), lineWithNewline(in, starts, line).length, new byte[0]);
            }
            case 6 -> { // swap two lines (a line with the one after it)
                int line = r.nextInt(starts.size());
                if (line + 1 >= starts.size()) {
                    yield in;
                }
                byte[] first = lineWithNewline(in, starts, line);
                byte[] second = lineWithNewline(in, starts, line + 1);
                ByteArrayOutputStream both = new ByteArrayOutputStream();
                both.writeBytes(second);
                both.writeBytes(first);
                yield splice(in, starts.get(line), first.length + second.length, both.toByteArray());
            }
            case 7 -> insert(in, at, ascii(NUMBERS[r.nextInt(NUMBERS.length)])); // a number anywhere
            case 8 -> { // replace a run of digits by another number
                int digit = -1;
                for (int k = 0, p = r.nextInt(Math.max(in.length, 1)); k < in.length; k++) {
                    int q = (p + k) % in.length;
                    if (in[q] >= '0' && in[q] <= '9') {
                        digit = q;
                        break;
                    }
                }
                if (digit < 0) {
                    yield in;
                }
                int end = digit;
                while (end < in.length && in[end] >= '0' && in[end] <= '9') {
                    end++;
                }
                while (digit > 0 && in[digit - 1] >= '0' && in[digit - 1] <= '9') {
                    digit--;
                }
                yield splice(in, digit, end - digit, ascii(NUMBERS[r.nextInt(NUMBERS.length)]));
            }
            case 9 -> { // a long line: around the limit, or far beyond it
                int length = switch (r.nextInt(4)) {
                    case 0 -> TraceReader.MAX_LINE;
                    case 1 -> TraceReader.MAX_LINE + 1;
                    case 2 -> TraceReader.MAX_LINE - 1;
                    default -> r.nextInt(70_000);
                };
                byte[] line = new byte[length];
                Arrays.fill(line, r.nextBoolean() ? (byte) '9' : INTERESTING[r.nextInt(INTERESTING.length)]);
                if (length > 0 && r.nextBoolean()) {
                    line[0] = '#';
                }
                yield insert(in, at, line);
            }
            case 10 -> Arrays.copyOf(in, Math.min(at, in.length)); // truncate
            case 11 -> { // a CR before a newline
                int line = r.nextInt(starts.size());
                int end = starts.get(line) + lineWithNewline(in, starts, line).length;
                yield insert(in, end > starts.get(line) && in[end - 1] == '\n' ? end - 1 : end, new byte[] {'\r'});
            }
            case 12 -> { // another op letter
                int line = r.nextInt(starts.size());
                int p = starts.get(line);
                if (p >= in.length) {
                    yield in;
                }
                byte[] out = in.clone();
                out[p] = (byte) "azrfR#cdtue".charAt(r.nextInt(11));
                yield out;
            }
            default -> { // a well-formed op that may well be wrong here
                int line = r.nextInt(starts.size());
                String op = switch (r.nextInt(10)) {
                    case 5 -> "c " + r.nextInt(10) + " " + r.nextInt(4) + " 0 1024 8192 n" + r.nextInt(3);
                    case 6 -> "d " + r.nextInt(5);
                    case 7 -> "u " + r.nextInt(5);
                    case 8 -> "t " + r.nextInt(4);
                    case 9 -> "e " + r.nextInt(4) + " " + r.nextInt(9000) + " 1 0 " + r.nextInt(9000);
                    case 0 -> "a " + r.nextInt(8) + " " + (1 + r.nextInt(100));
                    case 1 -> "z " + r.nextInt(8) + " " + (1 + r.nextInt(100));
                    case 2 -> "r " + r.nextInt(8) + " " + (1 + r.nextInt(100));
                    case 3 -> "f " + r.nextInt(8);
                    default -> "R";
                };
                yield insert(in, starts.get(line), ascii(op + "\n"));
            }
        };
    }

    /** Mutations of binary (gzip) data: bit flips, truncation, inserted and deleted bytes. */
    private static byte[] mutateBinary(Random r, byte[] in) {
        int at = r.nextInt(in.length + 1);
        return switch (r.nextInt(4)) {
            case 0 -> {
                byte[] out = in.clone();
                int p = Math.min(at, in.length - 1);
                out[p] ^= (byte) (1 << r.nextInt(8));
                yield out;
            }
            case 1 -> Arrays.copyOf(in, at);
            case 2 -> insert(in, at, new byte[] {(byte) r.nextInt(256)});
            default -> splice(in, Math.min(at, in.length - 1), 1, new byte[0]);
        };
    }

    private static byte[] randomInput(Random r) {
        if (r.nextInt(3) == 0) {
            byte[] bytes = new byte[r.nextInt(200)];
            r.nextBytes(bytes);
            return bytes;
        }
        String alphabet = "azrfR#0123456789  \n\n\n\r\t+-";
        StringBuilder text = new StringBuilder();
        if (r.nextBoolean()) {
            text.append("trace 1\nslots ").append(1 + r.nextInt(4)).append('\n');
        }
        for (int n = r.nextInt(400); n > 0; n--) {
            text.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Integer> lineStarts(byte[] in) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && i + 1 < in.length) {
                starts.add(i + 1);
            }
        }
        return starts;
    }

    private static byte[] lineWithNewline(byte[] in, List<Integer> starts, int line) {
        int from = starts.get(line);
        int to = line + 1 < starts.size() ? starts.get(line + 1) : in.length;
        return Arrays.copyOfRange(in, from, to);
    }

    private static byte[] insert(byte[] in, int at, byte[] what) {
        return splice(in, at, 0, what);
    }

    private static byte[] splice(byte[] in, int at, int remove, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + what.length);
        out.write(in, 0, at);
        out.writeBytes(what);
        out.write(in, at + remove, in.length - at - remove);
        return out.toByteArray();
    }

    private static String escape(byte[] input) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(input.length, 4000);
        for (int i = 0; i < shown; i++) {
            int c = input[i] & 0xff;
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return out.append(shown < input.length ? "\"... (first 4000 bytes)" : "\"").toString();
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter text = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }
}
