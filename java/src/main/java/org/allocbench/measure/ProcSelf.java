package org.allocbench.measure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * This process's memory figures from Linux's /proc: resident set size now
 * ({@code VmRSS}) and its high-water mark ({@code VmHWM}) from
 * {@code /proc/self/status}, and minor page faults ({@code minflt}, field 10)
 * from {@code /proc/self/stat} for the whole process and from
 * {@code /proc/thread-self/stat} for the calling thread alone (which leaves
 * out the JIT's and the GC's faults). On a system without /proc (not Linux)
 * every read throws an {@link IllegalStateException} that says so.
 */
public final class ProcSelf {

    /** One reading. Sizes in bytes; faults since the process (thread) started. */
    public record Snapshot(long rssBytes, long hwmBytes, long minorFaults, long threadMinorFaults) {
    }

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path STAT = Path.of("/proc/self/stat");
    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcSelf() {
    }

    /** Reads all four figures now (the thread figure is the calling thread's). */
    public static Snapshot read() {
        String status = readProc(STATUS);
        return new Snapshot(statusKiB(status, "VmRSS") * 1024, statusKiB(status, "VmHWM") * 1024,
                minorFaults(readProc(STAT)), minorFaults(readProc(THREAD_STAT)));
    }

    /**
     * Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs,
     * Linux 4.0+). Returns false if the kernel refused; the peak then covers
     * the whole life of the process.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The {@code key:  N kB} line of a /proc/PID/status text, in KiB. */
    static long statusKiB(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String value = line.substring(key.length() + 1).trim();
                if (!value.endsWith(" kB")) {
                    throw new IllegalStateException("unexpected unit in /proc status line \"" + line + "\"");
                }
                return Long.parseLong(value.substring(0, value.length() - 3).trim());
            }
        }
        throw new IllegalStateException("no " + key + " line in /proc status (a kernel thread, or not Linux?)");
    }

    /**
     * Field 10 ({@code minflt}) of a /proc/PID/stat line. Field 2, the command
     * name, is in parentheses and may itself hold spaces and parentheses, so
     * fields are counted from the last ')' (after which comes field 3).
     */
    static long minorFaults(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalStateException("malformed /proc stat line: " + stat);
        }
        String[] fields = stat.substring(close + 1).trim().split(" +");
        if (fields.length < 8) {
            throw new IllegalStateException("malformed /proc stat line (too few fields): " + stat);
        }
        return Long.parseLong(fields[10 - 3]);
    }

    private static String readProc(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("cannot read " + file + ": memory figures come from Linux's /proc, "
                    + "which this system (" + System.getProperty("os.name") + ") does not have", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
