package org.allocbench.capture;

import java.io.IOException;
import java.io.OutputStream;
import org.allocbench.trace.TraceDigits;

/**
 * Writes the lines after a version 2 header (docs/trace-format.md, "Version 2") as the converter makes
 * them: ops, and the {@code t} and {@code u} directives that place them. The header comes last to be known
 * (slots, threads), so the body is written first, to a file of its own, and {@link TraceFile} puts the two
 * together. Digits go straight into a byte buffer: no String per op (a recording has millions).
 */
final class TraceBody implements AutoCloseable {

    private static final int BUFFER = 1 << 16;
    /** Room for the longest line, "r 16777215 1073741823\n" or a c line, with margin. */
    private static final int LONGEST = 96;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int n;
    private int thread;
    private long ops;

    TraceBody(OutputStream out) {
        this.out = out;
    }

    /** Makes {@code t} the thread of the lines that follow (a {@code t} line if it is not already). */
    void thread(int t) throws IOException {
        if (t != thread) {
            room();
            buf[n++] = 't';
            buf[n++] = ' ';
            number(t);
            buf[n++] = '\n';
            thread = t;
        }
    }

    /** {@code c ID PARENT MINCTX INIT MAX NAME}: an op. */
    void create(int id, int parent, long minContext, long init, long max, String name) throws IOException {
        room();
        buf[n++] = 'c';
        for (long v : new long[] {id, parent, minContext, init, max}) {
            buf[n++] = ' ';
            number(v);
        }
        buf[n++] = ' ';
        for (int i = 0; i < name.length(); i++) {
            buf[n++] = (byte) name.charAt(i);
        }
        buf[n++] = '\n';
        ops++;
    }

    /** {@code u C}: the current thread's context becomes C (a directive). */
    void use(int context) throws IOException {
        room();
        buf[n++] = 'u';
        buf[n++] = ' ';
        number(context);
        buf[n++] = '\n';
    }

    /** {@code a S SIZE}, {@code z S SIZE} or {@code r S SIZE}. */
    void sized(char kind, int slot, long size) throws IOException {
        room();
        buf[n++] = (byte) kind;
        buf[n++] = ' ';
        number(slot);
        buf[n++] = ' ';
        number(size);
        buf[n++] = '\n';
        ops++;
    }

    /** {@code f S}. */
    void free(int slot) throws IOException {
        room();
        buf[n++] = 'f';
        buf[n++] = ' ';
        number(slot);
        buf[n++] = '\n';
        ops++;
    }

    /** Ops written (directives not counted). */
    long ops() {
        return ops;
    }

    private void room() throws IOException {
        if (n > BUFFER - LONGEST) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    private void number(long value) {
        n = TraceDigits.put(buf, n, value);
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(buf, 0, n);
            n = 0;
        } finally {
            out.close();
        }
    }
}
