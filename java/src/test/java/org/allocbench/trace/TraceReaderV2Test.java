package org.allocbench.trace;

import static org.allocbench.trace.TraceTesting.parse;
import static org.allocbench.trace.TraceTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.replay.V2Traces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Version 2 text (docs/trace-format.md#version-2): the documentation's example read into exactly the model
 * it describes and written back byte for byte; random trees of contexts and threads written, read and
 * written again identically; and every version 2 rule refused with its line and words.
 */
class TraceReaderV2Test {

    private static final String HEADER = "trace 2\nslots 4\ncontexts 3\nthreads 2\n";

    /** The example in docs/trace-format.md's version 2 section, taken from the page itself. */
    static String docsExample() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "trace-format.md"));
        int section = page.indexOf("\n# Version 2");
        int example = page.indexOf("\n## Example", section);
        int start = page.indexOf("```\n", example) + 4;
        return page.substring(start, page.indexOf("```\n", start));
    }

    @Test
    void theDocumentedExampleReadsAsItSaysAndWritesBackByteForByte() throws Exception {
        String text = docsExample();
        OpSequence ops = parse("example.trace", text);
        assertEquals(2, ops.version());
        assertEquals(4, ops.slots());
        Placement p = ops.placement();
        assertEquals(2, p.threads());
        assertEquals(3, p.contextCount());
        assertEquals(new ContextSpec(0, 0, 8192, 8388608, "ExecutorState"), p.contexts()[1]);
        assertEquals(new ContextSpec(1, 0, 1024, 8192, "ExprContext"), p.contexts()[2]);
        // c 1, a 0, c 2, a 1, f 0 (thread 1), R 2, a 2, d 1: u, t and e are directives, not ops
        byte[] kinds = {OpSequence.CREATE, OpSequence.ALLOC, OpSequence.CREATE, OpSequence.ALLOC, OpSequence.FREE,
            OpSequence.RESET, OpSequence.ALLOC, OpSequence.DELETE};
        int[] contexts = {1, 1, 2, 2, 1, 2, 2, 1};
        int[] threads = {0, 0, 0, 0, 1, 0, 0, 0};
        assertEquals(kinds.length, ops.length());
        for (int i = 0; i < kinds.length; i++) {
            assertEquals(kinds[i], ops.kind(i), "op " + i);
            assertEquals(contexts[i], p.context(i), "context of op " + i);
            assertEquals(threads[i], p.thread(i), "thread of op " + i);
        }
        assertEquals(List.of(new Expectation(7, 1, 8192, 1, 1, 7952)), p.expectations());
        assertEquals(text, written(ops));
    }

    @Test
    void randomTreesOfContextsAndThreadsRoundTripExactly() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            int threads = 1 + (int) (seed % 4);
            OpSequence ops = V2Traces.random(seed, 3000, 64, 40, threads, 20000);
            String text = written(ops);
            OpSequence back = parse("r.trace", text);
            assertArrayEquals(ops.encoded(), back.encoded(), "seed " + seed);
            assertArrayEquals(ops.placement().where(), back.placement().where(), "seed " + seed);
            assertArrayEquals(ops.placement().contexts(), back.placement().contexts(), "seed " + seed);
            assertEquals(text, written(back), "seed " + seed);
        }
    }

    @Test
    void expectationsKeepTheirPlaceAndHugeCountersAreRead() throws Exception {
        OpSequence ops = parse(HEADER + "e 0 0 0 0 0\na 0 8\ne 0 9223372036854775807 1 2 3\n");
        assertEquals(List.of(new Expectation(0, 0, 0, 0, 0, 0), new Expectation(1, 0, Long.MAX_VALUE, 1, 2, 3)),
                ops.placement().expectations());
    }

    @Test
    void aBareResetIsTheCurrentContextsAndFreesFollowTheChunk() throws Exception {
        OpSequence ops = parse(HEADER + "c 1 0 0 1024 8192 a b\nu 1\na 0 8\nt 1\nf 0\nt 0\nR\nu 0\nR\n");
        Placement p = ops.placement();
        assertEquals(1, p.context(2), "the free is in the chunk's context, whoever frees it");
        assertEquals(1, p.thread(2));
        assertEquals(1, p.context(3), "R resets thread 0's current context");
        assertEquals(0, p.context(4));
        assertEquals("a b", p.contexts()[1].name(), "names may hold single spaces");
    }

    @Test
    void writerRefusesWhatTheReaderWould() {
        OpSequence bad = new V2Traces.Builder("w", 2, 3, 1).c(1, 0, 0, 1000, 8192, "x").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> written(bad));
        assertEquals("cannot write w: op 0: INIT 1000 must be a multiple of 8, at least 1024", e.getMessage());
        OpSequence dead = new V2Traces.Builder("w", 2, 3, 1).c(1, 0, 0, 1024, 8192, "x").d(1).e(1, 0, 0, 0, 0)
                .build();
        assertThrows(IllegalArgumentException.class, () -> written(dead));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                // header
                Arguments.of("trace 2\nslots 4\n", 0,
                        "end of file after \"slots\": expected \"contexts M\" with 1 <= M <= 16777216"),
                Arguments.of("trace 2\nslots 4\ncontexts 0\nthreads 1\n", 3,
                        "expected \"contexts M\" with 1 <= M <= 16777216, found \"contexts 0\""),
                Arguments.of("trace 2\nslots 4\ncontexts 2\n", 0,
                        "end of file after \"contexts\": expected \"threads T\" with 1 <= T <= 256"),
                Arguments.of("trace 2\nslots 4\ncontexts 2\nthreads 257\n", 4,
                        "expected \"threads T\" with 1 <= T <= 256, found \"threads 257\""),
                Arguments.of("trace 2\nslots 4\nthreads 1\ncontexts 2\n", 3,
                        "expected \"contexts M\" with 1 <= M <= 16777216, found \"threads 1\""),
                // shapes
                Arguments.of(HEADER + "x 1\n", 5,
                        "unknown op \"x\": expected a, z, r, f, R, c or d, or a directive t, u or e (\"x 1\")"),
                Arguments.of(HEADER + "R 1 2\n", 5, "malformed line: extra field \"2\"; expected \"R C\" (\"R 1 2\")"),
                Arguments.of(HEADER + "t 01\n", 5,
                        "malformed line: T \"01\" has a leading zero; expected \"t T\" (\"t 01\")"),
                Arguments.of(HEADER + "u\n", 5, "malformed line: missing C; expected \"u C\" (\"u\")"),
                Arguments.of(HEADER + "e 0 1 2 3\n", 5,
                        "malformed line: missing FREE; expected \"e C TOTAL BLOCKS FREECHUNKS FREE\" (\"e 0 1 2 3\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192\n", 5,
                        "malformed line: missing NAME; expected \"c C P MINCTX INIT MAX NAME\" (\"c 1 0 0 1024 8192\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 \n", 5,
                        "malformed line: trailing space; expected \"c C P MINCTX INIT MAX NAME\""
                                + " (\"c 1 0 0 1024 8192 \")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 a  b\n", 5,
                        "malformed line: NAME has a double space; expected \"c C P MINCTX INIT MAX NAME\""
                                + " (\"c 1 0 0 1024 8192 a  b\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 " + "n".repeat(65) + "\n", 5,
                        "malformed line: NAME is longer than 64 characters; expected \"c C P MINCTX INIT MAX NAME\" ("
                                + TraceReader.quote("c 1 0 0 1024 8192 " + "n".repeat(65)) + ")"),
                Arguments.of(HEADER + "c 1 0 +0 1024 8192 x\n", 5,
                        "malformed line: MINCTX \"+0\" has a sign; numbers are unsigned decimal;"
                                + " expected \"c C P MINCTX INIT MAX NAME\" (\"c 1 0 +0 1024 8192 x\")"),
                // ranges
                Arguments.of(HEADER + "t 2\n", 5, "thread 2 out of range: the trace has 2 threads (0..1) (\"t 2\")"),
                Arguments.of(HEADER + "u 3\n", 5,
                        "context 3 out of range: the trace has 3 contexts (0..2) (\"u 3\")"),
                Arguments.of(HEADER + "c 0 0 0 1024 8192 x\n", 5, "context 0 out of range: created contexts are"
                        + " 1..2 (0 is the root; the trace has 3 contexts) (\"c 0 0 0 1024 8192 x\")"),
                Arguments.of(HEADER + "c 1 3 0 1024 8192 x\n", 5,
                        "parent 3 out of range: the trace has 3 contexts (0..2) (\"c 1 3 0 1024 8192 x\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 1000 x\n", 5, "MAX 1000 must be a multiple of 8, at least INIT"
                        + " (1024) and below 1 GiB (\"c 1 0 0 1024 1000 x\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 1073741824 x\n", 5, "MAX 1073741824 must be a multiple of 8,"
                        + " at least INIT (1024) and below 1 GiB (\"c 1 0 0 1024 1073741824 x\")"),
                Arguments.of(HEADER + "c 1 0 512 1024 8192 x\n", 5, "MINCTX 512 must be 0 or a multiple of 8 from"
                        + " 1024 to MAX (8192) (\"c 1 0 512 1024 8192 x\")"),
                Arguments.of(HEADER + "e 0 9223372036854775808 0 0 0\n", 5,
                        "TOTAL 9223372036854775808 out of range: at most 9223372036854775807"
                                + " (\"e 0 9223372036854775808 0 0 0\")"),
                Arguments.of(HEADER + "e 0 10 1 1 11\n", 5, "FREE 11 is more than TOTAL 10 (\"e 0 10 1 1 11\")"),
                // state
                Arguments.of(HEADER + "u 1\n", 5, "context 1 is not live (\"u 1\")"),
                Arguments.of(HEADER + "c 1 2 0 1024 8192 x\n", 5, "parent 2 is not live (\"c 1 2 0 1024 8192 x\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 x\nd 1\nc 1 0 0 1024 8192 x\n", 7,
                        "context 1 was created before (ids are never reused) (\"c 1 0 0 1024 8192 x\")"),
                Arguments.of(HEADER + "d 0\n", 5, "the root context 0 cannot be deleted (\"d 0\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 x\nc 2 1 0 1024 8192 y\nR 1\nu 2\n", 8,
                        "context 2 is not live (\"u 2\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 x\nu 1\nd 1\na 0 8\n", 8,
                        "thread 0's current context 1 was deleted; \"u C\" a live context before allocating"
                                + " (\"a 0 8\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 x\nu 1\na 0 8\nd 1\nf 0\n", 9, "slot 0 is empty (\"f 0\")"),
                Arguments.of(HEADER + "c 1 0 0 1024 8192 x\nd 1\ne 1 0 0 0 0\n", 7,
                        "context 1 is not live (\"e 1 0 0 0 0\")"),
                Arguments.of(HEADER + "a 0 8\nt 1\na 0 8\n", 7, "slot 0 is already full (\"a 0 8\")"));
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void everyVersion2RuleIsRefusedWithItsLine(String text, long line, String problem) {
        TraceFormatException e = rejection(text);
        assertEquals(problem, e.problem(), text);
        assertEquals(line, e.line(), text);
    }

    @Test
    void aVersion1FileIsUntouched() throws Exception {
        OpSequence ops = parse("trace 1\nslots 2\na 0 8\nR\n");
        assertNull(ops.placement());
        assertEquals(1, ops.version());
        assertEquals("trace 1\nslots 2\na 0 8\nR\n", written(ops));
    }

    private static String written(OpSequence ops) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceWriter.write(ops, out, List.of());
        return out.toString(StandardCharsets.US_ASCII);
    }
}
