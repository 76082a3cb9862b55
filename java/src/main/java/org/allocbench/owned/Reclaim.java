package org.allocbench.owned;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;

/**
 * Undoes what a dead owner left, one resource at a time. Each step says what it
 * did, or nothing if the resource was already gone; a step that fails says why
 * and the others still run. Nothing here claims anything (the reaper must not
 * start a reaper of its own).
 */
final class Reclaim {

    private Reclaim() {
    }

    /** Undoes every pending resource of {@code record}, newest first (a server before its directory). */
    static List<String> all(OwnerRecords.OwnerRecord record) {
        List<String> done = new ArrayList<>();
        List<Resource> pending = new ArrayList<>(record.pending());
        for (int i = pending.size() - 1; i >= 0; i--) {
            Resource r = pending.get(i);
            try {
                String what = undo(r);
                if (what != null) {
                    done.add(what);
                }
            } catch (RuntimeException e) {
                done.add("could not undo " + r.line().replace('\t', ' ') + ": " + e.getMessage());
            }
        }
        return done;
    }

    /** Undoes one resource; what it did, or null if there was nothing left to undo. */
    static String undo(Resource r) {
        return switch (r) {
            case Resource.TempDir d -> {
                // an initdb the owner started must not refill it, a server in it must free its shared memory
                endProcessesUsing(d.path(), true);
                String servers = stopPostmastersIn(d.path());
                endProcessesUsing(d.path(), false);
                yield deleteTree(d.path()) ? servers + "removed directory " + d.path() : null;
            }
            case Resource.PgServer s -> stopServer(s);
            case Resource.Cgroup c -> removeCgroup(c.path());
            case Resource.HugePool p -> restorePool(p);
            case Resource.KernelSetting k -> restoreSetting(k);
            case Resource.PosixSegment s -> unlinkSegment(s.name());
            case Resource.SysvSegment s -> removeSysv(s.key());
            case Resource.RunFile f -> markKilled(f.resultsJson());
        };
    }

    private static boolean deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot remove " + root + ": " + e.getMessage());
        }
    }

    /**
     * An immediate stop: the backends quit at once and the postmaster removes
     * its shared memory (the SysV segment, the dynamic segments in /dev/shm) as
     * it exits. A postmaster that was itself killed removed nothing, and only it
     * knows which /dev/shm/PostgreSQL.* segments were its own; so it is started
     * once more on the same data directory, with no TCP listener (a server
     * starting after a crash frees what its dead predecessor left: PostgreSQL's
     * own recovery), and stopped again. If even that fails, the main SysV
     * segment named in postmaster.pid is removed by hand.
     */
    static String stopServer(Resource.PgServer s) {
        Path pidFile = s.dataDir().resolve("postmaster.pid");
        // the owner may have died inside pg_ctl start: end that, then see whether a postmaster got going
        endProcessesUsing(s.dataDir(), true);
        List<ProcessHandle> postmasters = processesUsing(s.dataDir()).stream().filter(Reclaim::isPostmaster).toList();
        for (int i = 0; i < 300 && !Files.exists(pidFile) && postmasters.stream().anyMatch(ProcessHandle::isAlive); i++) {
            sleep(100); // a postmaster writes its pid file as it starts
        }
        if (!Files.exists(pidFile)) {
            postmasters.forEach(ProcessHandle::destroyForcibly);
            return postmasters.isEmpty() ? null : "killed a PostgreSQL server on " + s.dataDir() + " that never started";
        }
        if (run(pgCtl(s, "stop", "-m", "immediate", "-w", "-t", "60")) == 0) {
            return "stopped the PostgreSQL server on " + s.dataDir();
        }
        List<String> lines = readLines(pidFile);
        long postmaster = lines.isEmpty() ? -1 : parseLong(lines.get(0));
        ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
        if (run(pgCtl(s, "start", "-w", "-t", "60", "-l", s.dataDir().resolve("reclaim.log").toString(),
                "-o", "-c listen_addresses=''")) == 0
                && run(pgCtl(s, "stop", "-m", "immediate", "-w", "-t", "60")) == 0) {
            return "found the PostgreSQL server on " + s.dataDir() + " dead; started and stopped it once more to"
                    + " free its shared memory";
        }
        String segment = "";
        if (lines.size() >= 7) {
            String[] keyAndId = lines.get(6).trim().split("\\s+");
            if (keyAndId.length == 2 && run(List.of("ipcrm", "-m", keyAndId[1])) == 0) {
                segment = " and removed its SysV segment " + keyAndId[1];
            }
        }
        return "found the PostgreSQL server on " + s.dataDir() + " dead and could not restart it" + segment;
    }

    private static List<String> pgCtl(Resource.PgServer s, String... args) {
        List<String> cmd = new ArrayList<>();
        if (!s.serverUser().isEmpty()) {
            cmd.addAll(List.of("runuser", "-u", s.serverUser(), "--"));
        }
        cmd.addAll(List.of(s.pgCtl().toString(), "-D", s.dataDir().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Processes whose command line names {@code path} (initdb, pg_ctl, postgres -D, a runner copied there). */
    private static List<ProcessHandle> processesUsing(Path path) {
        String p = path.toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(h -> h.pid() != self)
                .filter(h -> h.info().commandLine().filter(c -> c.contains(p + "/") || c.contains(p + " ")
                        || c.endsWith(p)).isPresent()).toList();
    }

    private static boolean isPostmaster(ProcessHandle h) {
        return h.info().command().filter(c -> c.endsWith("/postgres")).isPresent();
    }

    /**
     * Lets the processes using {@code path} (but postmasters, if {@code sparePostmasters}) end by themselves,
     * for a while, then kills what is left: an initdb or a pg_ctl start the owner did not wait for ends
     * cleanly in seconds, and killing it halfway would strand what it had made (a starting server).
     */
    private static void endProcessesUsing(Path path, boolean sparePostmasters) {
        List<ProcessHandle> others = processesUsing(path).stream()
                .filter(h -> !(sparePostmasters && isPostmaster(h))).toList();
        for (int i = 0; i < 600 && others.stream().anyMatch(ProcessHandle::isAlive); i++) {
            sleep(100);
        }
        others.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : others) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by what fails next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops, the careful way ({@link #stopServer}), every postmaster whose data directory is under {@code path}:
     * one that started after its owner died, before the owner could record it. Says what it did, or "".
     */
    private static String stopPostmastersIn(Path path) {
        StringBuilder done = new StringBuilder();
        for (ProcessHandle h : processesUsing(path)) {
            if (!isPostmaster(h)) {
                continue;
            }
            List<String> args = List.of(h.info().arguments().orElse(new String[0]));
            int d = args.indexOf("-D");
            if (d < 0 || d + 1 >= args.size()) {
                continue;
            }
            String user = h.info().user().filter(u -> !u.equals(System.getProperty("user.name"))).orElse("");
            Path pgCtl = Path.of(h.info().command().orElseThrow()).resolveSibling("pg_ctl");
            String what = stopServer(new Resource.PgServer(Path.of(args.get(d + 1)), pgCtl, user));
            if (what != null) {
                done.append(what).append("; ");
            }
        }
        return done.toString();
    }

    private static String removeCgroup(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        int killed = 0;
        Path kill = dir.resolve("cgroup.kill");
        for (String pid : readLines(dir.resolve("cgroup.procs"))) {
            killed += ProcessHandle.of(parseLong(pid)).map(ProcessHandle::destroyForcibly).orElse(false) ? 1 : 0;
        }
        if (Files.exists(kill)) {
            try {
                Files.writeString(kill, "1"); // v2: also what forked since we read cgroup.procs
            } catch (IOException ignored) {
                // the per-PID kills above did the same
            }
        }
        // a killed process leaves its cgroup a moment later
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return "removed cgroup " + dir + (killed > 0 ? " (killed " + killed + " processes in it)" : "");
            } catch (IOException busy) {
                if (attempt == 250) {
                    throw new IllegalStateException("cannot remove cgroup " + dir + ": " + busy.getMessage());
                }
                sleep(20);
            }
        }
    }

    private static String restorePool(Resource.HugePool p) {
        List<String> now = readLines(p.nrHugepages());
        if (now.isEmpty() || parseLong(now.get(0)) == p.previous()) {
            return null;
        }
        try {
            Files.writeString(p.nrHugepages(), Long.toString(p.previous()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + p.nrHugepages() + ": " + e.getMessage());
        }
        return "restored " + p.nrHugepages() + " from " + now.get(0).trim() + " to " + p.previous();
    }

    /** Writes the previous choice back if another is selected ("always [advise] never": the bracketed one). */
    private static String restoreSetting(Resource.KernelSetting k) {
        List<String> now = readLines(k.file());
        if (now.isEmpty() || now.get(0).contains("[" + k.previous() + "]")) {
            return null;
        }
        try {
            Files.writeString(k.file(), k.previous());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + k.file() + ": " + e.getMessage());
        }
        return "restored " + k.file() + " to " + k.previous();
    }

    /** Through the segment library, so the segment's own owner record goes with it. */
    private static String unlinkSegment(String name) {
        Path file = Path.of("/dev/shm", name.startsWith("/") ? name.substring(1) : name);
        if (!Files.exists(file)) {
            return null;
        }
        SharedSegment.remove(SegmentKind.POSIX, name);
        return "removed POSIX segment " + name;
    }

    private static String removeSysv(long key) {
        try {
            SharedSegment.removeSysv(key);
            return "removed SysV segment 0x" + Long.toHexString(key);
        } catch (RuntimeException gone) {
            return null; // no segment has that key any more
        }
    }

    private static String markKilled(Path resultsJson) {
        if (!Files.exists(resultsJson)) {
            return null;
        }
        RunResults results = ResultsStore.read(resultsJson);
        if (!RunInfo.RUNNING.equals(results.run().status())) {
            return null;
        }
        ResultsStore.write(resultsJson.getParent(),
                results.withRun(results.run().ended(RunInfo.KILLED, Instant.now().toString())));
        return "marked " + resultsJson + " " + RunInfo.KILLED + " (" + results.cells().size() + " cells kept)";
    }

    private static int run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
