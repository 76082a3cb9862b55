package org.allocbench.measure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.allocbench.replay.ChildProtocol;
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
 * once the program has loaded them. The segment's name (POSIX) or key (SysV)
 * is chosen here and recorded as this JVM's ({@link Ownership}) before the
 * program starts, so a kill of this JVM and the program together still
 * leaves a record for the reaper; a key someone else holds is given up (not
 * removed) and another is tried. The record is released once the program has
 * removed the segment; its standard input stays open while it runs, and it
 * ends itself, its processes and its segment when that closes (this JVM ended).
 */
public final class SegmentProcesses {

    static final String PROGRAM = "allocbench-procs";
    /** Keys tried before giving up when each chosen one is in use. */
    private static final int KEY_ATTEMPTS = 8;
    private static final java.util.concurrent.atomic.AtomicInteger NAMES = new java.util.concurrent.atomic.AtomicInteger();

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
        for (int attempt = 1; ; attempt++) {
            try {
                return run(kind, mapping, bytes, processes, iterations, trace, segmentName(kind));
            } catch (NameTaken e) {
                if (attempt == KEY_ATTEMPTS) {
                    throw new ProcessModelException(e.getMessage() + " (" + KEY_ATTEMPTS + " keys tried)");
                }
            }
        }
    }

    /** The program's "error exists": the chosen name or key is someone else's; nothing was made. */
    private static final class NameTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameTaken(String message) {
            super(message);
        }
    }

    /** A fresh POSIX name, or a random SysV key of the suite's range; null for anonymous segments. */
    private static Resource segmentName(SegmentKind kind) {
        return switch (kind) {
            case POSIX -> new Resource.PosixSegment("/allocbench.procs." + ProcessHandle.current().pid() + "."
                    + NAMES.incrementAndGet());
            case SYSV -> new Resource.SysvSegment(java.util.concurrent.ThreadLocalRandom.current()
                    .nextLong(0x41420000L, 0x41430000L));
            default -> null;
        };
    }

    private static Run run(SegmentKind kind, PageMapping mapping, long bytes, int processes, int iterations,
            OpSequence trace, Resource segment) {
        Path dir = PrivateTemp.directory("allocbench-procs-");
        Process child = null;
        try {
            List<String> command = new ArrayList<>(List.of(BundledFiles.copy(PROGRAM, dir, true).toString(),
                    kind.label(), mapping.label(), Long.toString(bytes), Integer.toString(processes),
                    Integer.toString(iterations), trace.writeEncoded(dir.resolve("trace.ops")) + ":" + trace.slots()));
            switch (segment) {
                case Resource.PosixSegment p -> command.add(p.name());
                case Resource.SysvSegment k -> command.add(Long.toString(k.key()));
                case null, default -> { }
            }
            if (segment != null) {
                Ownership.claim(segment); // before it can exist
            }
            ProcessBuilder builder = new ProcessBuilder(command);
            GlibcMalloc.environment(builder.environment());
            try {
                child = builder.start();
            } catch (IOException e) {
                if (segment != null) {
                    Ownership.release(segment);
                }
                throw new ProcessModelException("cannot start " + PROGRAM + " from " + dir + ": " + e.getMessage());
            }
            return supervise(kind, mapping, child, ChildStderr.drain(child), dir, segment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + PROGRAM + ": " + e.getMessage(), e);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
            PrivateTemp.delete(dir);
        }
    }

    private static Run supervise(SegmentKind kind, PageMapping mapping, Process child, ChildStderr stderr, Path dir,
            Resource segment) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        boolean removedByProgram = false; // it says "done" or "error" only after removing the segment (or making none)
        boolean started = false; // before the go, it has made no segment
        try (OutputStream go = child.getOutputStream()) {
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new ProcessModelException(PROGRAM + " did not start (exit status " + waitFor(child) + ")"
                        + stderr.tail());
            }
            PrivateTemp.delete(dir);
            started = true;
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
                    case "pagetables-before" -> before = Long.parseLong(f[1]);
                    case "process" -> reports.put(Integer.parseInt(f[1]), f);
                    case "segment" -> segmentLine = line;
                    case "held" -> held.put(Integer.parseInt(f[1]), f);
                    case "pagetables-held" -> heldKb = Long.parseLong(f[1]);
                    case "pagetables-after" -> after = Long.parseLong(f[1]);
                    case "error" -> {
                        removedByProgram = true;
                        if (line.startsWith("error exists: ")) {
                            throw new NameTaken(line.substring(14));
                        }
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
            if (segment != null && (removedByProgram || !started)) {
                Ownership.release(segment);
            } else if (segment != null) { // it died or was cut off before removing it: remove it here
                child.destroyForcibly();
                waitFor(child);
                Ownership.reclaimNow(segment);
            }
        }
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
        return ChildProtocol.longs(csv);
    }

    private static int waitFor(Process child) {
        return ChildProtocol.waitFor(child, PROGRAM);
    }
}
