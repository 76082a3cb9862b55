package org.allocbench.trace;

/**
 * A trace file that breaks the trace format (docs/trace-format.md): where
 * (file and 1-based line) and what. The message is compiler style,
 * {@code small.trace:17: slot 5 is already full ("a 5 100")}, or without a line
 * number when the problem is the file as a whole
 * ({@code x.trace: empty file: expected "trace 1"}).
 *
 * <p>Checked on purpose: a bad trace is an expected, recoverable condition
 * (a user's file, a tool outside the project), and every caller - the CLI, a
 * benchmark's setup - must turn it into a clear message before anything is
 * timed; the compiler makes sure none forgets. It is not an
 * {@link java.io.IOException}, so callers can tell "the file is invalid" from
 * "the file could not be read".
 */
public final class TraceFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String problem;

    /**
     * @param file    the file's name as shown to the user (a path as given, or a display name)
     * @param line    1-based line number, or 0 when the problem is not on one line
     * @param problem what is wrong, usually ending with the offending line quoted
     */
    public TraceFormatException(String file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file's name as shown to the user. */
    public String file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem concerns the whole file. */
    public long line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
