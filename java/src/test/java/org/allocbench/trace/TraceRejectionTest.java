package org.allocbench.trace;

import static org.allocbench.trace.TraceTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rejection rule of the trace format, one test each: the exact line
 * number and message. Parsed as "x.trace" unless said otherwise.
 */
class TraceRejectionTest {

    private static final String HEADER = "trace 1\nslots 3\n";

    /** Rejects text with this exact message and line number. */
    private static void rejects(String text, long line, String message) {
        TraceFormatException e = rejection(text);
        assertEquals(message, e.getMessage());
        assertEquals(line, e.line());
        assertEquals("x.trace", e.file());
        String location = line > 0 ? "x.trace:" + line + ": " : "x.trace: ";
        assertEquals(message, location + e.problem());
    }

    @Test
    void emptyFile() {
        rejects("", 0, "x.trace: empty file: expected \"trace 1\" or \"trace 2\"");
    }

    @Test
    void onlyCommentsAndBlankLines() {
        rejects("# just a comment\n\n#\n", 0,
                "x.trace: no header: expected \"trace 1\" or \"trace 2\", found only comments and blank lines");
    }

    @ParameterizedTest
    @ValueSource(strings = {"trace1", "trace 1 ", " trace 1", "Trace 1", "trace 01", "trace  1", "trace", "slots 3",
        "a 0 1", "trace -1"})
    void wrongMagicLine(String first) {
        rejects("# comment first\n" + first + "\nslots 3\n", 2,
                "x.trace:2: expected \"trace 1\" or \"trace 2\", found \"" + first + "\"");
    }

    @Test
    void unsupportedVersion() {
        rejects("trace 3\nslots 3\n", 1,
                "x.trace:1: unsupported format version 3: this reader reads versions 1 and 2 (\"trace 3\")");
    }

    @Test
    void missingSlotsLine() {
        rejects("trace 1\n# no slots line follows\n\n", 0,
                "x.trace: end of file after \"trace 1\": expected \"slots N\" with 1 <= N <= 16777216");
    }

    @ParameterizedTest
    @ValueSource(strings = {"slots 0", "slots 16777217", "slots 99999999999999999999999", "slots", "slots ",
        "slots -1", "slots +3", "slots 03", "slots  3", "slots 3 ", "slots 3x", "slot 3", "a 0 1", "R"})
    void badSlotsLine(String second) {
        rejects("trace 1\n\n" + second + "\na 0 1\n", 3,
                "x.trace:3: expected \"slots N\" with 1 <= N <= 16777216, found \"" + second + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x 0 1", "A 0 1", "Z 0 1", "alloc 0 1", "free 0", "r0 1", "RR", "Reset", "- 0", "1 2 3"})
    void unknownOp(String line) {
        String op = line.substring(0, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
        rejects(HEADER + "a 0 1\n" + line + "\n", 4,
                "x.trace:4: unknown op \"" + op + "\": expected a, z, r, f or R (\"" + line + "\")");
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("a 0  1", "malformed line: double space; expected \"a S SIZE\" (\"a 0  1\")"),
                Arguments.of("a  0 1", "malformed line: double space; expected \"a S SIZE\" (\"a  0 1\")"),
                Arguments.of(" a 0 1", "malformed line: leading space (\" a 0 1\")"),
                Arguments.of(" ", "malformed line: leading space (\" \")"),
                Arguments.of("a 0 1 ", "malformed line: trailing space; expected \"a S SIZE\" (\"a 0 1 \")"),
                Arguments.of("R ", "malformed line: trailing space; expected \"R\" (\"R \")"),
                Arguments.of("a 0", "malformed line: missing SIZE; expected \"a S SIZE\" (\"a 0\")"),
                Arguments.of("z", "malformed line: missing S; expected \"z S SIZE\" (\"z\")"),
                Arguments.of("f", "malformed line: missing S; expected \"f S\" (\"f\")"),
                Arguments.of("a 0 1 2", "malformed line: extra field \"2\"; expected \"a S SIZE\" (\"a 0 1 2\")"),
                Arguments.of("f 0 8", "malformed line: extra field \"8\"; expected \"f S\" (\"f 0 8\")"),
                Arguments.of("R 0", "malformed line: extra field \"0\"; expected \"R\" (\"R 0\")"),
                Arguments.of("a +0 1", "malformed line: S \"+0\" has a sign; numbers are unsigned decimal;"
                        + " expected \"a S SIZE\" (\"a +0 1\")"),
                Arguments.of("a 0 -1", "malformed line: SIZE \"-1\" has a sign; numbers are unsigned decimal;"
                        + " expected \"a S SIZE\" (\"a 0 -1\")"),
                Arguments.of("f +1", "malformed line: S \"+1\" has a sign; numbers are unsigned decimal;"
                        + " expected \"f S\" (\"f +1\")"),
                Arguments.of("a 00 1", "malformed line: S \"00\" has a leading zero; expected \"a S SIZE\" (\"a 00 1\")"),
                Arguments.of("z 0 0100",
                        "malformed line: SIZE \"0100\" has a leading zero; expected \"z S SIZE\" (\"z 0 0100\")"),
                Arguments.of("r 0 1e3",
                        "malformed line: SIZE \"1e3\" is not an unsigned decimal number; expected \"r S SIZE\" (\"r 0 1e3\")"),
                Arguments.of("a 0x1 1",
                        "malformed line: S \"0x1\" is not an unsigned decimal number; expected \"a S SIZE\" (\"a 0x1 1\")"),
                Arguments.of("a 0 1.5",
                        "malformed line: SIZE \"1.5\" is not an unsigned decimal number; expected \"a S SIZE\" (\"a 0 1.5\")"),
                Arguments.of("a\t0 1", "malformed line: a tab; fields are separated by single spaces (\"a\\t0 1\")"),
                Arguments.of("a 0 1\u00e9", "malformed line: byte 0xe9 is not printable ASCII (\"a 0 1\\xe9\")"),
                Arguments.of("a 0\u0000 1", "malformed line: byte 0x00 is not printable ASCII (\"a 0\\x00 1\")"),
                Arguments.of("f 0\u007f", "malformed line: byte 0x7f is not printable ASCII (\"f 0\\x7f\")"),
                Arguments.of("a 0 \"1\"", "malformed line: SIZE \"\"1\"\" is not an unsigned decimal number;"
                        + " expected \"a S SIZE\" (\"a 0 \\\"1\\\"\")"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLine(String line, String problem) {
        rejects(HEADER + line + "\n", 3, "x.trace:3: " + problem);
    }

    @Test
    void crlfLineEndings() {
        String crlf = "line ends with a carriage return (a CRLF line ending); trace lines end with LF alone";
        rejects("trace 1\r\nslots 3\r\na 0 1\r\n", 1, "x.trace:1: " + crlf + " (\"trace 1\\r\")");
        rejects("trace 1\nslots 3\r\n", 2, "x.trace:2: " + crlf + " (\"slots 3\\r\")");
        rejects(HEADER + "a 0 1\nf 0\r\n", 4, "x.trace:4: " + crlf + " (\"f 0\\r\")");
        rejects(HEADER + "R\r\n", 3, "x.trace:3: " + crlf + " (\"R\\r\")");
        rejects(HEADER + "\r\n", 3, "x.trace:3: " + crlf + " (\"\\r\")");
        rejects("# made on Windows\r\ntrace 1\r\n", 1, "x.trace:1: " + crlf + " (\"# made on Windows\\r\")");
    }

    @Test
    void slotOutOfRange() {
        String range = " out of range: the trace has 3 slots (0..2)";
        rejects(HEADER + "a 3 1\n", 3, "x.trace:3: slot 3" + range + " (\"a 3 1\")");
        rejects(HEADER + "z 16777216 1\n", 3, "x.trace:3: slot 16777216" + range + " (\"z 16777216 1\")");
        rejects(HEADER + "r 4 1\n", 3, "x.trace:3: slot 4" + range + " (\"r 4 1\")");
        rejects(HEADER + "f 3\n", 3, "x.trace:3: slot 3" + range + " (\"f 3\")");
        // checked before the size: both are wrong here
        rejects(HEADER + "a 9 0\n", 3, "x.trace:3: slot 9" + range + " (\"a 9 0\")");
        // no overflow: a number too large for any integer type is still just out of range
        rejects(HEADER + "f 18446744073709551617\n", 3,
                "x.trace:3: slot 18446744073709551617" + range + " (\"f 18446744073709551617\")");
        String digits = "1234567890".repeat(3);
        rejects(HEADER + "a " + digits + " 1\n", 3, "x.trace:3: slot 12345678901234567890... (30 digits)" + range
                + " (\"a " + digits + " 1\")");
    }

    @Test
    void allocIntoAFullSlot() {
        StringBuilder text = new StringBuilder("# sixteen lines before the culprit\ntrace 1\nslots 8\n");
        for (int slot = 0; slot < 8; slot++) {
            text.append("a ").append(slot).append(" 64\n");
        }
        text.append("f 5\nz 5 100\n\n\n# line 16 is this comment\n");
        TraceFormatException e = TraceTesting.rejection(text + "a 5 100\n");
        assertEquals("small.trace:17: slot 5 is already full (\"a 5 100\")",
                new TraceFormatException("small.trace", e.line(), e.problem()).getMessage());
        rejects(text + "a 5 100\n", 17, "x.trace:17: slot 5 is already full (\"a 5 100\")");
        rejects(text + "z 5 1\n", 17, "x.trace:17: slot 5 is already full (\"z 5 1\")");
    }

    @Test
    void reallocOrFreeOfAnEmptySlot() {
        rejects(HEADER + "r 1 10\n", 3, "x.trace:3: slot 1 is empty (\"r 1 10\")");
        rejects(HEADER + "f 2\n", 3, "x.trace:3: slot 2 is empty (\"f 2\")");
        rejects(HEADER + "a 2 8\nf 2\nf 2\n", 5, "x.trace:5: slot 2 is empty (\"f 2\")");
        rejects(HEADER + "a 2 8\nR\nr 2 16\n", 5, "x.trace:5: slot 2 is empty (\"r 2 16\")");
    }

    @Test
    void sizeZero() {
        String range = " out of range: 1 <= SIZE <= 1073741823";
        rejects(HEADER + "a 0 0\n", 3, "x.trace:3: size 0" + range + " (\"a 0 0\")");
        rejects(HEADER + "a 0 5\nr 0 0\n", 4, "x.trace:4: size 0" + range + " (\"r 0 0\")");
    }

    @Test
    void sizeAboveTheLimit() {
        String range = " out of range: 1 <= SIZE <= 1073741823";
        rejects(HEADER + "a 0 1073741824\n", 3, "x.trace:3: size 1073741824" + range + " (\"a 0 1073741824\")");
        rejects(HEADER + "z 1 18446744073709551617\n", 3,
                "x.trace:3: size 18446744073709551617" + range + " (\"z 1 18446744073709551617\")");
        String nines = "9".repeat(100);
        rejects(HEADER + "a 0 " + nines + "\n", 3, "x.trace:3: size 99999999999999999999... (100 digits)" + range
                + " (\"a 0 " + "9".repeat(60) + "\"...)");
    }

    @Test
    void lineLongerThanTheLimit() {
        String comment = "# " + "x".repeat(TraceReader.MAX_LINE - 1);
        rejects(HEADER + comment + "\n", 3, "x.trace:3: line longer than 1024 bytes (\"# " + "x".repeat(62)
                + "\"...)");
        // no newline in sight: the reader stops at the limit instead of buffering the rest
        rejects(HEADER + "a 0 " + "0".repeat(1 << 20), 3, "x.trace:3: line longer than 1024 bytes (\"a 0 "
                + "0".repeat(60) + "\"...)");
    }

    @Test
    void nonAsciiInAComment() {
        rejects("# caf\u00e9\ntrace 1\n", 1, "x.trace:1: byte 0xe9 in a comment is not printable ASCII (\"# caf\\xe9\")");
        rejects(HEADER + "#\u0001\n", 3, "x.trace:3: byte 0x01 in a comment is not printable ASCII (\"#\\x01\")");
    }

    @Test
    void theFirstProblemIsReported() {
        rejects(HEADER + "a 0 1\nf 1\nx\na 0 0\n", 4, "x.trace:4: slot 1 is empty (\"f 1\")");
    }
}
