package org.allocbench.limit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.alloc.MallocFamilyAllocator;
import org.allocbench.alloc.NativePeers;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.trace.OpSequence;

/**
 * One memory-limit trial: the trace replayed by allocbench-trial in a child
 * process confined by a fresh memory cgroup (or, where none can be made,
 * RLIMIT_AS, which the caller chose knowingly), journalled before it starts.
 *
 * <p>Order matters: the child loads and waits; the parent moves it into the
 * cgroup, appends and fsyncs the "start" record, and only then lets it run.
 * While it runs, its progress reports (ops done, live bytes, bytes the
 * allocator holds) and the cgroup's rss / page cache go into the journal at
 * most every {@value #SAMPLE_INTERVAL_MS} ms. When it dies by a signal the
 * parent says so as PostgreSQL's postmaster does, and confirms an OOM kill
 * from the cgroup's own counters, not from the exit status alone.
 */
public final class Trial {

    static final long SAMPLE_INTERVAL_MS = 100;

    /** The native allocators a C child can run, and how. */
    private record Lane(String program, String mode, String preload) {
    }

    private Trial() {
    }

    /** The allocators a trial can run (C child: Java allocators need a JVM, which would blur the limit). */
    public static List<String> allocators() {
        return List.of("aset-native", "aset-pg15", "glibc", "jemalloc", "mimalloc", "tcmalloc");
    }

    private static Lane lane(String allocator) {
        return switch (allocator) {
            case "aset-native" -> new Lane("allocbench-trial", "aset", null);
            case "aset-pg15" -> new Lane("allocbench-trial-pg15", "aset", null);
            case "glibc" -> new Lane("allocbench-trial", "malloc", null);
            case "jemalloc" -> peer(MallocFamilyAllocator.Library.JEMALLOC);
            case "mimalloc" -> peer(MallocFamilyAllocator.Library.MIMALLOC);
            case "tcmalloc" -> peer(MallocFamilyAllocator.Library.TCMALLOC);
            default -> throw new IllegalArgumentException("allocator \"" + allocator + "\" cannot run in a limit trial:"
                    + " trials replay in a small C child (a JVM's own memory would blur the limit); choose one of "
                    + String.join(", ", allocators()));
        };
    }

    /** A malloc peer, preloaded into the child: it only has to exist (the JVM need not be able to load it). */
    private static Lane peer(MallocFamilyAllocator.Library library) {
        String missing = NativePeers.notInstalledReason(library);
        if (missing != null) {
            throw new IllegalArgumentException(library.name() + " is not installed (" + missing + ")");
        }
        return new Lane("allocbench-trial", "malloc", library.library());
    }

    /**
     * Runs one trial. {@code cgroup} confines it, or is null and {@code rlimitAs}
     * (bytes) does. Progress lines go to {@code log}.
     */
    public static TrialOutcome run(TrialSpec spec, MemoryCgroup cgroup, long rlimitAs, AuditJournal journal,
            PrintWriter log) {
        Lane lane = lane(spec.allocator());
        OpSequence ops = spec.workload().load(spec.ops(), spec.seed()); // the parent's ops, validated at start
        Path work = null;
        try {
            work = PrivateTemp.directory("allocbench-limit-");
            Path opsFile = ops.writeEncoded(work.resolve("trace.ops"));
            List<String> command = new ArrayList<>(List.of(TrialProgram.path(lane.program()).toString(),
                    opsFile.toString(), Integer.toString(ops.slots()), lane.mode()));
            if (cgroup == null) {
                command.add(Long.toString(rlimitAs));
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(work.resolve("stderr").toFile());
            GlibcMalloc.environment(builder.environment());
            if (lane.preload() != null) {
                builder.environment().put("LD_PRELOAD", lane.preload());
            }
            Process child = builder.start();
            try {
                return supervise(spec, child, cgroup, rlimitAs, journal, log, work);
            } finally {
                // a failure mid-trial (the journal's disk, say) must not leave the child waiting in its cgroup:
                // the cgroup cannot be removed while a process is in it
                stop(child);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the trial: " + e.getMessage(), e);
        } finally {
            PrivateTemp.delete(work);
        }
    }

    private static TrialOutcome supervise(TrialSpec spec, Process child, MemoryCgroup cgroup, long rlimitAs,
            AuditJournal journal, PrintWriter log, Path work) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("ready ")) {
            child.destroyForcibly();
            return failed(spec, child.pid(), "the trial program did not start: " + stderr(work));
        }
        long pid = child.pid();
        if (cgroup != null) {
            cgroup.add(pid);
        }
        long oomBefore = cgroup == null ? 0 : cgroup.oomKills();
        Map<String, Object> start = startRecord(spec, pid, cgroup, rlimitAs);
        journal.append(start);
        try (OutputStream go = child.getOutputStream()) {
            go.write('g');
        }

        long[] last = {0, 0, -1}; // ops done, live bytes, allocator-held bytes
        String error = null;
        long lastJournal = 0;
        for (String line; (line = out.readLine()) != null; ) {
            String[] f = line.split(" ", 4);
            if ((f[0].equals("sample") || f[0].equals("done")) && f.length == 4) {
                last = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
                long now = System.currentTimeMillis();
                if (f[0].equals("sample") && now - lastJournal >= SAMPLE_INTERVAL_MS) {
                    journal.append(sampleRecord(spec, last, cgroup));
                    lastJournal = now;
                }
            } else if (f[0].equals("error")) {
                error = line.substring("error ".length());
            }
        }
        int exit;
        try {
            exit = child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trial " + spec.id() + " ran (the child was killed)", e);
        }
        boolean oom = cgroup != null && cgroup.oomKills() > oomBefore;
        long peak = cgroup == null ? -1 : cgroup.peakBytes();
        TrialOutcome outcome;
        if (exit == 0) {
            outcome = new TrialOutcome(TrialOutcome.COMPLETED, pid, 0, false, peak, last[0], last[1], last[2], null);
        } else if (exit > 128) {
            int signal = exit - 128;
            outcome = new TrialOutcome(TrialOutcome.KILLED, pid, signal, oom, peak, last[0], last[1], last[2],
                    "trial process (PID " + pid + ") was terminated by signal " + signal + ": " + signalName(signal));
        } else if (exit == 3 && error != null) {
            outcome = new TrialOutcome(TrialOutcome.OUT_OF_MEMORY, pid, 0, false, peak, last[0], last[1], last[2],
                    "trial process (PID " + pid + ") failed an allocation: op " + error);
        } else {
            outcome = failed(spec, pid, "trial process (PID " + pid + ") exited with status " + exit + ": "
                    + stderr(work));
        }
        journal.append(endRecord(spec, outcome));
        if (outcome.status().equals(TrialOutcome.KILLED)) {
            // the postmaster's two lines, the second from the record written before the trial began
            log.println(outcome.message());
            log.println("Failed trial was running: " + AuditJournal.describe(start));
            log.println(oom ? "the kernel's OOM killer did it: " + cgroup + " counted an oom_kill"
                    : "no OOM kill in the cgroup's counters: the signal came from elsewhere");
        }
        return outcome;
    }

    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                child.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // SIGKILL is prompt: finish waiting, then pass the interrupt on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static TrialOutcome failed(TrialSpec spec, long pid, String message) {
        return new TrialOutcome(TrialOutcome.FAILED, pid, 0, false, -1, 0, 0, -1, message);
    }

    private static Map<String, Object> startRecord(TrialSpec spec, long pid, MemoryCgroup cgroup, long rlimitAs) {
        Map<String, Object> r = base(spec, "start");
        r.put("allocator", spec.allocator());
        r.put("trace", spec.trace());
        r.put("ops", spec.ops());
        r.put("seed", spec.seed());
        r.put("limitBytes", spec.limitBytes());
        r.put("confinement", cgroup != null ? cgroup.toString() : "RLIMIT_AS " + rlimitAs);
        r.put("pid", pid);
        return r;
    }

    private static Map<String, Object> sampleRecord(TrialSpec spec, long[] last, MemoryCgroup cgroup) {
        Map<String, Object> r = base(spec, "sample");
        r.put("opsDone", last[0]);
        r.put("liveBytes", last[1]);
        r.put("allocatorHeldBytes", last[2]);
        if (cgroup != null) {
            r.put("usageBytes", cgroup.usageBytes());
            r.putAll(cgroup.stat());
        }
        return r;
    }

    private static Map<String, Object> endRecord(TrialSpec spec, TrialOutcome o) {
        Map<String, Object> r = base(spec, "end");
        r.put("outcome", o.status());
        r.put("pid", o.pid());
        r.put("signal", o.signal());
        r.put("oomKill", o.oomKill());
        r.put("peakBytes", o.peakBytes());
        r.put("opsDone", o.opsDone());
        r.put("allocatorHeldBytes", o.allocatorHeldBytes());
        if (o.message() != null) {
            r.put("message", o.message());
        }
        return r;
    }

    private static Map<String, Object> base(TrialSpec spec, String event) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("trial", spec.id());
        r.put("event", event);
        r.put("time", Instant.now().toString());
        return r;
    }

    /** strsignal's words for the signals a trial meets. */
    static String signalName(int signal) {
        return switch (signal) {
            case 9 -> "Killed";
            case 6 -> "Aborted";
            case 11 -> "Segmentation fault";
            case 15 -> "Terminated";
            case 7 -> "Bus error";
            default -> "signal " + signal;
        };
    }

    private static String stderr(Path work) {
        try {
            return Files.readString(work.resolve("stderr")).strip();
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

}
