package org.allocbench.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The example trace of docs/trace-format.md, byte for byte: seven ops whose
 * counters docs/postgres-memory.md works out by hand (PostgreSQL 16+ layout,
 * before the final delete: 8192 total in 1 blocks; 7928 free (0 chunks); 264
 * used). One copy for every test that replays it.
 */
public final class DocsExample {

    public static final String TEXT = """
            trace 1
            slots 3
            a 0 100
            z 1 24
            r 0 300
            f 1
            a 2 9000
            R
            a 0 16
            """;

    private DocsExample() {
    }

    /** The example, read as a trace file would be. */
    public static OpSequence sequence() {
        try {
            return TraceReader.read(new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.US_ASCII)),
                    "docs-example");
        } catch (IOException | TraceFormatException e) {
            throw new IllegalStateException("the docs example no longer reads: " + e.getMessage(), e);
        }
    }
}
