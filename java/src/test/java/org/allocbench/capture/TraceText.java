package org.allocbench.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A version 2 trace as the converter writes it, read back and checked line by line against
 * docs/trace-format.md's rules for the lines it uses (header, t, u, c, a, z, r, f): slots full and empty
 * as ops say, contexts created once under a live parent, every allocation into the thread's live
 * context. This branch's TraceReader reads version 1 only; this check is the tests' stand-in until the
 * version 2 reader is merged, and throws AssertionError naming the line.
 *
 * @param ops      every op: its letter, its thread, and its numbers ("a 3 100" on thread 1 is {'a', 1, 3, 100})
 * @param comments the comment lines without "# "
 */
record TraceText(int slots, int contexts, int threads, List<long[]> ops, List<String> comments) {

    static TraceText read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            return parse(file.getFileName().toString(), lines);
        }
    }

    private static TraceText parse(String name, BufferedReader lines) throws IOException {
        List<String> comments = new ArrayList<>();
        List<long[]> ops = new ArrayList<>();
        int lineNo = 0;
        long[] header = new long[4];
        int headerLines = 0;
        String[] headerWords = {"trace", "slots", "contexts", "threads"};
        boolean[] full = null;
        boolean[] created = null;
        boolean[] liveContext = null;
        int[] current = null;
        int thread = 0;
        for (String line; (line = lines.readLine()) != null; ) {
            lineNo++;
            String where = name + ":" + lineNo + ": \"" + line + "\": ";
            if (line.startsWith("#")) {
                comments.add(line.length() > 1 ? line.substring(2) : "");
                continue;
            }
            if (line.length() > 1024 || !line.matches("[\\x20-\\x7e]+") || line.contains("  ") || line.endsWith(" ")) {
                throw new AssertionError(where + "malformed");
            }
            String[] f = line.split(" ");
            if (headerLines < 4) {
                if (f.length != 2 || !f[0].equals(headerWords[headerLines])) {
                    throw new AssertionError(where + "expected " + headerWords[headerLines]);
                }
                header[headerLines++] = number(where, f[1]);
                if (headerLines == 4) {
                    if (header[0] != 2 || header[1] < 1 || header[1] > 1 << 24 || header[2] < 1 || header[3] < 1
                            || header[3] > 256) {
                        throw new AssertionError(where + "bad header " + java.util.Arrays.toString(header));
                    }
                    full = new boolean[(int) header[1]];
                    created = new boolean[(int) header[2]];
                    liveContext = new boolean[(int) header[2]];
                    liveContext[0] = true;
                    current = new int[(int) header[3]];
                }
                continue;
            }
            long[] n = new long[f.length - 1];
            for (int k = 1; k < f.length && !(f[0].equals("c") && k == 6); k++) {
                n[k - 1] = number(where, f[k]);
            }
            switch (f[0]) {
                case "t" -> {
                    expect(where, f.length == 2 && n[0] < header[3], "thread out of range");
                    thread = (int) n[0];
                }
                case "u" -> {
                    expect(where, f.length == 2 && n[0] < header[2] && liveContext[(int) n[0]], "context not live");
                    current[thread] = (int) n[0];
                }
                case "c" -> {
                    expect(where, f.length == 7, "c needs 6 fields");
                    int c = (int) n[0];
                    expect(where, c >= 1 && c < header[2] && !created[c], "context id used or out of range");
                    expect(where, liveContext[(int) n[1]], "parent not live");
                    long min = n[2], init = n[3], max = n[4];
                    expect(where, init % 8 == 0 && init >= 1024 && max % 8 == 0 && max >= init && max < 1L << 30
                            && (min == 0 || min % 8 == 0 && min >= 1024 && min <= max), "sizes");
                    expect(where, f[6].length() <= 64, "name too long");
                    created[c] = true;
                    liveContext[c] = true;
                    ops.add(new long[] {'c', thread, c, n[1]});
                }
                case "a", "z", "r" -> {
                    expect(where, f.length == 3 && n[0] < header[1], "slot out of range");
                    expect(where, n[1] >= 1 && n[1] <= 1073741823, "size out of range");
                    boolean isAlloc = !f[0].equals("r");
                    expect(where, full[(int) n[0]] != isAlloc, isAlloc ? "slot full" : "slot empty");
                    if (isAlloc) {
                        expect(where, liveContext[current[thread]], "current context not live");
                    }
                    full[(int) n[0]] = true;
                    ops.add(new long[] {f[0].charAt(0), thread, n[0], n[1]});
                }
                case "f" -> {
                    expect(where, f.length == 2 && n[0] < header[1], "slot out of range");
                    expect(where, full[(int) n[0]], "slot empty");
                    full[(int) n[0]] = false;
                    ops.add(new long[] {'f', thread, n[0]});
                }
                default -> throw new AssertionError(where + "unexpected line");
            }
        }
        if (headerLines < 4) {
            throw new AssertionError(name + ": header incomplete");
        }
        return new TraceText((int) header[1], (int) header[2], (int) header[3], ops, comments);
    }

    private static void expect(String where, boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(where + what);
        }
    }

    private static long number(String where, String s) {
        if (!s.matches("0|[1-9][0-9]{0,18}")) {
            throw new AssertionError(where + "not a number: " + s);
        }
        return Long.parseLong(s);
    }

    long count(char kind) {
        return ops.stream().filter(o -> o[0] == kind).count();
    }

    /** The ops as text, "a 0 100 @1" (kind, numbers, thread), for assertions that read like the trace. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (long[] o : ops) {
            StringBuilder b = new StringBuilder().append((char) o[0]);
            for (int k = 2; k < o.length; k++) {
                b.append(' ').append(o[k]);
            }
            out.add(b.append(" @").append(o[1]).toString());
        }
        return out;
    }
}
