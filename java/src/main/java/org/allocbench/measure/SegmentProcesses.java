package org.allocbench.measure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.owned.Resource;
import org.allocbench.replay.ChildStderr;
import org.allocbench.trace.OpSequence;

/**
 * PostgreSQL's process model, measured: {@code processes} backend-like
 * processes on one shared segment, each touching all of it and replaying a
 * trace through its own AllocSet, run by the bundled program
 * {@code allocbench-procs} (native/procs/allocbench_procs.c, whose header
 * says why the processes take turns and where each figure comes from: every
 * one is read from /proc or getrusage, none is computed).
 *
 * <p>The program and the trace are copied into a private directory, deleted
 * once the program has loaded them. The segment it creates is recorded as
 * this JVM's ({@link Ownership}) as soon as it says so, and released when it
 * has removed it; its standard input stays open while it runs, and it ends
 * itself, its processes and its segment when that closes (this JVM ended).
 */
public final class SegmentProcesses {

    static final String PROGRAM = "allocbench-procs";

    private SegmentProcesses() {
    }

    /** The program failed; the message says what it said. */
    public static final class ProcessModelException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProcessModelException(String message) {
            super(message);
        }
    }

    /** One backend-like process: what it measured of itself, and what the parent read of it with all alive. */
    public record Backend(int index, long pid, long vmPteBeforeBytes, long attachNs, long touchNs, long touchFaults,
            long[] replayNs, long[] replayFaults, MemoryContextCounters counters, long vmPteHeldBytes,
            long vmRssHeldBytes) {

        /** Page tables this process gained by attaching and touching the segment (VmPTE after less before). */
        public long segmentPageTableBytes() {
            return vmPteHeldBytes - vmPteBeforeBytes;
        }
    }

    /**
     * A run: the segment as created ({@code pageSize} asked, {@code smapsPageSize} and {@code hugeBytes} as the
     * first process's mapping showed them), each process, and /proc/meminfo's PageTables (kB) before the first
     * process, with all alive, and after all ended.
     */
    public record Run(SegmentKind kind, PageMapping mapping, long segmentBytes, long pageSize, long smapsPageSize,
            long hugeBytes, List<Backend> backends, long pageTablesBeforeKb, long pageTablesHeldKb,
            long pageTablesAfterKb) {

        /** PageTables gained system-wide with every process attached, in bytes. */
        public long pageTablesGrowthBytes() {
            return (pageTablesHeldKb - pageTablesBeforeKb) * 1024;
        }
    }

    /**
     * Runs {@code processes} processes on a fresh segment of {@code kind} and {@code mapping}, {@code bytes}
     * long (rounded up to its page size), each replaying {@code trace} {@code iterations} times.
     */
    public static Run run(SegmentKind kind, PageMapping mapping, long bytes, int processes, int iterations,
            OpSequence trace) {
        Path dir = PrivateTemp.directory("allocbench-procs-");
        Process child = null;
        try {
            List<String> command = List.of(BundledFiles.copy(PROGRAM, dir, true).toString(), kind.label(),
                    mapping.label(), Long.toString(bytes), Integer.toString(processes), Integer.toString(iterations),
                    trace.writeEncoded(dir.resolve("trace.ops")) + ":" + trace.slots());
            ProcessBuilder builder = new ProcessBuilder(command);
            GlibcMalloc.environment(builder.environment());
            try {
                child = builder.start();
            } catch (IOException e) {
                throw new ProcessModelException("cannot start " + PROGRAM + " from " + dir + ": " + e.getMessage());
            }
            return supervise(kind, mapping, child, ChildStderr.drain(child), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PROGRAM + ": " + e.getMessage(), e);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
            PrivateTemp.delete(dir);
        }
    }

    private static Run supervise(SegmentKind kind, PageMapping mapping, Process child, ChildStderr stderr, Path dir)
            throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Resource segment = null;
        boolean removedByProgram = false; // it says "done" or "error" only after removing the segment
        try (OutputStream go = child.getOutputStream()) {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new ProcessModelException(PROGRAM + " did not start (exit status " + waitFor(child) + ")"
                        + stderr.tail());
            }
            PrivateTemp.delete(dir);
            go.write('g');
            go.flush();
            Map<Integer, String[]> reports = new HashMap<>();
            Map<Integer, String[]> held = new HashMap<>();
            String segmentLine = null;
            long before = -1;
            long heldKb = -1;
            long after = -1;
            for (String line; (line = out.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "created" -> {
                        segment = resource(f);
                        if (segment != null) {
                            Ownership.claim(segment);
                        }
                    }
                    case "pagetables-before" -> before = Long.parseLong(f[1]);
                    case "process" -> reports.put(Integer.parseInt(f[1]), f);
                    case "segment" -> segmentLine = line;
                    case "held" -> held.put(Integer.parseInt(f[1]), f);
                    case "pagetables-held" -> heldKb = Long.parseLong(f[1]);
                    case "pagetables-after" -> after = Long.parseLong(f[1]);
                    case "error" -> {
                        removedByProgram = true;
                        throw new ProcessModelException(line.substring(6));
                    }
                    default -> { }
                }
                if (line.equals("done")) {
                    removedByProgram = true;
                    break;
                }
            }
            int exit = waitFor(child);
            if (exit != 0 || segmentLine == null) {
                throw new ProcessModelException(PROGRAM + " exited with status " + exit + stderr.tail());
            }
            List<Backend> backends = new ArrayList<>();
            for (int i = 0; i < reports.size(); i++) {
                backends.add(backend(fields(reports.get(i)), fields(held.get(i))));
            }
            Map<String, String> s = fields(segmentLine.split(" "));
            return new Run(kind, mapping, number(s, "bytes"), number(s, "page"), number(s, "smaps_page"),
                    number(s, "huge_bytes"), backends, before, heldKb, after);
        } finally {
            if (segment != null && removedByProgram) {
                Ownership.release(segment);
            } else if (segment != null) { // it died or was cut off before removing it: remove it here
                child.destroyForcibly();
                waitFor(child);
                Ownership.reclaimNow(segment);
            }
        }
    }

    /** "created posix /allocbench.procs.12 0", "created sysv - 1094844416"; anonymous segments need no record. */
    private static Resource resource(String[] f) {
        return switch (f[1]) {
            case "posix" -> new Resource.PosixSegment(f[2]);
            case "sysv" -> new Resource.SysvSegment(Long.parseLong(f[3]));
            default -> null;
        };
    }

    private static Backend backend(Map<String, String> p, Map<String, String> h) {
        long[] stats = longs(p.get("stats"));
        return new Backend(Integer.parseInt(p.get("#1")), number(p, "pid"), number(p, "vmpte_before"),
                number(p, "attach_ns"), number(p, "touch_ns"), number(p, "touch_faults"), longs(p.get("replay_ns")),
                longs(p.get("replay_faults")), stats[0] == 0 ? null
                        : new MemoryContextCounters(stats[1], stats[2], stats[0], stats[3], stats[4]),
                number(h, "vmpte"), number(h, "vmrss"));
    }

    /** key=value words as a map; the positional words as #0, #1, ... */
    static Map<String, String> fields(String[] words) {
        if (words == null) {
            throw new ProcessModelException(PROGRAM + " did not report every process");
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq < 0) {
                map.put("#" + i, words[i]);
            } else {
                map.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        return map;
    }

    private static long number(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new ProcessModelException(PROGRAM + " said no " + key);
        }
        return Long.parseLong(v);
    }

    private static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static int waitFor(Process child) {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + PROGRAM + " ran", e);
        }
    }
}
