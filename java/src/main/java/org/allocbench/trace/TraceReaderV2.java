package org.allocbench.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines after a version 2 header (docs/trace-format.md#version-2), for {@link TraceReader}, which owns
 * the input, the line scanner, the number parser and the error wording; this class knows version 2's line
 * kinds and keeps what version 1 has not: each op's placement word, the context table, each thread's current
 * context and the expectations. The rules about contexts and slots are {@link TraceSimulation}'s.
 *
 * <p>Checked per line in this order, as version 1 does: the line's shape, every number's range, then the
 * state (slot full or empty, context live, ids never reused).
 */
final class TraceReaderV2 {

    private final TraceReader r;
    private final int threads;
    private final ContextSpec[] contexts;
    private final TraceSimulation sim;
    private final int[] current;
    private final List<Expectation> expectations = new ArrayList<>();
    private int[] where = new int[256];
    private int thread;
    /** Result of {@link #wide}. */
    private long wideValue;

    TraceReaderV2(TraceReader reader, int contextCount, int threads) {
        this.r = reader;
        this.threads = threads;
        this.contexts = new ContextSpec[contextCount];
        contexts[0] = ContextSpec.ROOT;
        this.sim = new TraceSimulation(reader.slots, contexts);
        this.current = new int[threads];
    }

    OpSequence parse(String name) throws IOException, TraceFormatException {
        while (r.nextLine()) {
            int s = r.lineStart;
            int e = r.lineEnd;
            if (s == e) {
                continue;
            }
            switch (r.buf[s]) {
                case 'a', 'z', 'r' -> sized(s, e);
                case 'f' -> free(s, e);
                case 'R' -> reset(s, e);
                case 'c' -> create(s, e);
                case 'd' -> delete(s, e);
                case 't' -> thread(s, e);
                case 'u' -> use(s, e);
                case 'e' -> expect(s, e);
                case '#' -> r.checkComment();
                default -> throw r.malformed();
            }
        }
        int n = r.opCount;
        return new OpSequence(name, r.slots, r.collect(),
                new Placement(threads, Arrays.copyOf(where, n), contexts, expectations));
    }

    private void sized(int s, int e) throws TraceFormatException {
        byte c = r.buf[s];
        int p = oneNumberAfterLetter(s, e);
        if (p < 0 || p == e) {
            throw r.malformed();
        }
        long slot = r.number;
        if (r.number(p + 1, e) != e) {
            throw r.malformed();
        }
        long size = r.number;
        if (slot >= r.slots) {
            throw r.slotOutOfRange(s + 2, p);
        }
        if (size < 1 || size > OpSequence.MAX_SIZE) {
            throw r.error("size " + r.field(p + 1, e) + " out of range: 1 <= SIZE <= " + OpSequence.MAX_SIZE
                    + " (" + r.quoted() + ")");
        }
        int context;
        String problem;
        byte kind;
        if (c == 'r') {
            context = sim.chunkContext((int) slot);
            if (context < 0) {
                throw r.emptySlot(slot);
            }
            problem = sim.resize((int) slot, size);
            kind = OpSequence.REALLOC;
        } else {
            context = current[thread];
            problem = sim.alloc((int) slot, context, size);
            if (problem != null && !sim.live(context)) {
                problem = "thread " + thread + "'s current context " + context
                        + " was deleted; \"u C\" a live context before allocating";
            }
            kind = c == 'a' ? OpSequence.ALLOC : OpSequence.ALLOC_ZEROED;
        }
        fail(problem);
        add(OpSequence.encode(kind, (int) slot, size), context);
    }

    private void free(int s, int e) throws TraceFormatException {
        int p = oneNumberAfterLetter(s, e);
        if (p != e) {
            throw r.malformed();
        }
        long slot = r.number;
        if (slot >= r.slots) {
            throw r.slotOutOfRange(s + 2, p);
        }
        int context = sim.chunkContext((int) slot);
        if (context < 0) {
            throw r.emptySlot(slot);
        }
        fail(sim.free((int) slot));
        add(OpSequence.encode(OpSequence.FREE, (int) slot, 0), context);
    }

    /** {@code R}: the thread's current context; {@code R C}: context C. */
    private void reset(int s, int e) throws TraceFormatException {
        int context;
        if (e - s == 1) {
            context = current[thread];
        } else {
            context = contextArgument(s, e);
        }
        fail(sim.reset(context, null));
        add(OpSequence.encode(OpSequence.RESET, 0, 0), context);
    }

    private void delete(int s, int e) throws TraceFormatException {
        int context = contextArgument(s, e);
        fail(sim.delete(context, null));
        add(OpSequence.encode(OpSequence.DELETE, 0, 0), context);
    }

    private void use(int s, int e) throws TraceFormatException {
        int context = contextArgument(s, e);
        if (!sim.live(context)) {
            fail("context " + context + " is not live");
        }
        current[thread] = context;
    }

    private void thread(int s, int e) throws TraceFormatException {
        int p = oneNumberAfterLetter(s, e);
        if (p != e) {
            throw r.malformed();
        }
        if (r.number >= threads) {
            throw r.error("thread " + r.field(s + 2, e) + " out of range: the trace has " + threads + " thread"
                    + (threads == 1 ? "" : "s") + " (0.." + (threads - 1) + ") (" + r.quoted() + ")");
        }
        thread = (int) r.number;
    }

    /** {@code c C P MINCTX INIT MAX NAME}. */
    private void create(int s, int e) throws TraceFormatException {
        long[] v = new long[5];
        int p = s + 1;
        for (int k = 0; k < 5; k++) {
            p = (p < e && r.buf[p] == ' ') ? r.number(p + 1, e) : -1;
            if (p < 0 || p == e) {
                throw r.malformed();
            }
            v[k] = r.number;
        }
        int nameStart = p + 1;
        String name = nameAt(nameStart, e);
        if (name == null) {
            throw r.malformed();
        }
        long id = v[0];
        long parent = v[1];
        int count = contexts.length;
        if (id < 1 || id >= count) {
            throw r.error("context " + id + " out of range: created contexts are 1.." + (count - 1)
                    + " (0 is the root; the trace has " + count + " contexts) (" + r.quoted() + ")");
        }
        if (parent >= count) {
            throw r.error("parent " + parent + " out of range: the trace has " + count + " contexts (0.."
                    + (count - 1) + ") (" + r.quoted() + ")");
        }
        String sizes = sizeProblem(v[2], v[3], v[4]);
        if (sizes != null) {
            throw r.error(sizes + " (" + r.quoted() + ")");
        }
        int c = (int) id;
        if (sim.created(c)) {
            fail("context " + c + " was created before (ids are never reused)");
        }
        if (!sim.live((int) parent)) {
            fail("parent " + parent + " is not live");
        }
        contexts[c] = new ContextSpec((int) parent, v[2], v[3], v[4], name);
        fail(sim.create(c));
        add(OpSequence.encode(OpSequence.CREATE, 0, 0), c);
    }

    /**
     * The AllocSet's parameter rules (docs/postgres-memory.md, presets and parameters): INIT a multiple of 8
     * and at least 1024; MAX a multiple of 8, at least INIT, below 1 GiB; MINCTX 0 or a multiple of 8 from
     * 1024 to MAX. Null if they hold.
     */
    static String sizeProblem(long minContext, long init, long max) {
        if (init < 1024 || init % 8 != 0) {
            return "INIT " + init + " must be a multiple of 8, at least 1024";
        }
        if (max < init || max % 8 != 0 || max >= TraceReader.MAX_BLOCK_LIMIT) {
            return "MAX " + max + " must be a multiple of 8, at least INIT (" + init + ") and below 1 GiB";
        }
        if (minContext != 0 && (minContext < 1024 || minContext % 8 != 0 || minContext > max)) {
            return "MINCTX " + minContext + " must be 0 or a multiple of 8 from 1024 to MAX (" + max + ")";
        }
        return null;
    }

    /** {@code e C TOTAL BLOCKS FREECHUNKS FREE}: kept with the op that follows; replayed by nobody. */
    private void expect(int s, int e) throws TraceFormatException {
        int p = oneNumberAfterLetter(s, e);
        if (p < 0 || p == e) {
            throw r.malformed();
        }
        long id = r.number;
        long[] v = new long[4];
        String[] names = {"TOTAL", "BLOCKS", "FREECHUNKS", "FREE"};
        for (int k = 0; k < 4; k++) {
            int start = p + 1;
            p = r.buf[p] == ' ' ? wide(start, e) : -1;
            if (p == -2) {
                throw r.error(names[k] + " " + r.field(start, fieldEnd(start, e)) + " out of range: at most "
                        + Long.MAX_VALUE + " (" + r.quoted() + ")");
            }
            if (p < 0 || (k < 3 && p == e) || (k == 3 && p != e)) {
                throw r.malformed();
            }
            v[k] = wideValue;
        }
        int c = checkedContext(id);
        if (v[3] > v[0]) {
            throw r.error("FREE " + v[3] + " is more than TOTAL " + v[0] + " (" + r.quoted() + ")");
        }
        if (!sim.live(c)) {
            fail("context " + c + " is not live");
        }
        expectations.add(new Expectation(r.opCount, c, v[0], v[1], v[2], v[3]));
    }

    /** The one number of {@code X C} lines (u, d, R C) as a context id in range. */
    private int contextArgument(int s, int e) throws TraceFormatException {
        int p = oneNumberAfterLetter(s, e);
        if (p != e) {
            throw r.malformed();
        }
        return checkedContext(r.number);
    }

    private int checkedContext(long id) throws TraceFormatException {
        if (id >= contexts.length) {
            throw r.error("context " + id + " out of range: the trace has " + contexts.length + " contexts (0.."
                    + (contexts.length - 1) + ") (" + r.quoted() + ")");
        }
        return (int) id;
    }

    /** After a one-letter keyword and a space, a number: the index after it, or -1. */
    private int oneNumberAfterLetter(int s, int e) {
        return (e - s >= 2 && r.buf[s + 1] == ' ') ? r.number(s + 2, e) : -1;
    }

    /**
     * An unsigned decimal number up to {@link Long#MAX_VALUE} at {@code p}, ending at a space or {@code e}:
     * the index after it, -1 if malformed, -2 if well formed but too large. The value goes to
     * {@link #wideValue}.
     */
    private int wide(int p, int e) {
        byte[] b = r.buf;
        if (p >= e || b[p] < '0' || b[p] > '9') {
            return -1;
        }
        if (b[p] == '0') {
            wideValue = 0;
            return p + 1 < e && b[p + 1] != ' ' ? -1 : p + 1;
        }
        long v = 0;
        boolean over = false;
        while (p < e && b[p] != ' ') {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                over = true;
            } else {
                v = v * 10 + d;
            }
            p++;
        }
        wideValue = v;
        return over ? -2 : p;
    }

    private int fieldEnd(int p, int e) {
        while (p < e && r.buf[p] != ' ') {
            p++;
        }
        return p;
    }

    /** Whether {@code name} is a valid context name: 1..64 printable ASCII, single spaces inside. */
    static boolean validName(String name) {
        int n = name.length();
        if (n < 1 || n > TraceReader.MAX_NAME || name.charAt(0) == ' ' || name.charAt(n - 1) == ' '
                || name.contains("  ")) {
            return false;
        }
        return name.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    /** The rest of the line as a context name: 1..64 printable ASCII, single spaces inside; null if not. */
    private String nameAt(int p, int e) {
        int n = e - p;
        if (n < 1 || n > TraceReader.MAX_NAME || r.buf[p] == ' ' || r.buf[e - 1] == ' ') {
            return null;
        }
        for (int i = p; i < e; i++) {
            byte c = r.buf[i];
            if (c < 0x20 || c > 0x7e || (c == ' ' && r.buf[i - 1] == ' ')) {
                return null;
            }
        }
        return new String(r.buf, p, n, StandardCharsets.US_ASCII);
    }

    private void fail(String problem) throws TraceFormatException {
        if (problem != null) {
            throw r.error(problem + " (" + r.quoted() + ")");
        }
    }

    private void add(long op, int context) throws TraceFormatException {
        int i = r.opCount;
        r.add(op);
        if (i == where.length) {
            where = Arrays.copyOf(where, (int) Math.min((long) i * 2, Integer.MAX_VALUE - 8));
        }
        where[i] = Placement.encode(context, thread);
    }
}
