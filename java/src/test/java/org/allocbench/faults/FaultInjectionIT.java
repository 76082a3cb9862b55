package org.allocbench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.allocbench.owned.Sweep;
import org.allocbench.pg.PgInstallation;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults injected into real runs of the packaged jar, and what they leave.
 *
 * <p>SIGKILL at seeded random moments (seed: {@code -Dallocbench.faults.seed},
 * default 42) into run, verify-pg, limit, gate, hugepages and hugepages --processes; every other kill
 * takes the command's whole process group (as a CI timeout does), the others
 * its JVM alone (as the OOM killer does). After each: every process of the
 * command is gone, the host has no temporary directory, segment, cgroup,
 * changed huge page pool or PostgreSQL server it did not have before, every
 * results.json parses and none still says "running", and a killed run kept
 * the cells it had. Then the same command runs to its end. Each command runs
 * with an owner-records directory and a temporary directory of its own, so
 * the sweeps here reach nothing but these runs.
 *
 * <p>The waits below bound only a hang (a process that never exits); the
 * moments of the faults are the only timing, and any moment is a valid one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionIT {

    private static final long SEED = Long.getLong("allocbench.faults.seed", 42);
    private static final long HANG_MINUTES = 5;

    private Path work;
    private Path owners;
    private Path runTmp;
    private final List<String> leftovers = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private int faults;
    private int finishedFirst;
    private int checks;
    private int point;

    @BeforeAll
    void directories() throws IOException {
        // traversable by the server's OS user: as root the throwaway cluster goes under java.io.tmpdir only then
        var open = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
        work = Files.createTempDirectory(Path.of("/tmp"), "allocbench-faults-", open);
        owners = Files.createDirectory(work.resolve("owners"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        runTmp = Files.createDirectory(work.resolve("tmp"), open);
    }

    @AfterAll
    void removeDirectories() throws IOException {
        Sweep.run(owners, true);
        try (Stream<Path> tree = Files.walk(work)) {
            for (Path p : (Iterable<Path>) tree.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void sigkillAtRandomMomentsLeavesNothingAndTheNextRunWorks() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        String jar = System.getProperty("allocbench.jar");
        boolean root = isRoot();
        boolean postgres = postgresInstalled();

        scenario(random, "run", 10, 300, 12_000, true, out -> List.of("run", "--allocators", "aset-native,glibc",
                "--traces", "small-churn,logrand", "--ops", "50000", "--forks", "3", "--warmup", "1", "--rounds", "3",
                "--out", out.toString()), out -> List.of("run", "--allocators", "aset-native", "--traces",
                "small-churn", "--ops", "2000", "--forks", "1", "--warmup", "1", "--rounds", "1", "--no-postgres",
                "--out", out.toString()));
        if (postgres) {
            scenario(random, "verify-pg", 6, 500, 6_000, true, out -> List.of("verify-pg", "--ops", "100000",
                    "--iterations", "5"), out -> List.of("verify-pg", "--ops", "2000", "--iterations", "1",
                    "--traces", "small-churn"));
        } else {
            skipped.add("verify-pg: PostgreSQL 15 is not installed (postgresql-15, postgresql-server-dev-15)");
        }
        List<String> limitExtra = root ? List.of() : List.of("--rlimit-as");
        scenario(random, "limit", 8, 200, 4_000, true, out -> concat(List.of("limit", "--memory", "64M",
                "--allocators", "aset-native,glibc", "--traces", "malloc-large,large-chunks,logrand,sort-tuples",
                "--smallest", "--out",
                out.toString()), limitExtra), out -> concat(List.of("limit", "--memory", "64M", "--allocators",
                "aset-native", "--traces", "malloc-large", "--out", out.toString()), limitExtra));
        scenario(random, "gate", 4, 1_000, 15_000, false, out -> List.of("gate", "--baseline", jar, "--candidate",
                jar, "--forks", "3", "--work", out.toString(), "--run-arg=--ops=5000", "--run-arg=--rounds=2",
                "--run-arg=--warmup=1"), out -> List.of("gate", "--baseline", jar, "--candidate", jar, "--forks",
                "3", "--max-regression", "90%", "--work", out.toString(), "--run-arg=--ops=2000",
                "--run-arg=--rounds=1", "--run-arg=--warmup=1", "--run-arg=--traces=small-churn"));
        scenario(random, "hugepages", 4, 500, 10_000, false, out -> List.of("hugepages", "--size", "64m",
                "--mappings", "4k,2m", "--kinds", "anonymous,sysv,posix", "--forks", "1", "--iterations", "1",
                "--warmup", "1", "--out", out.resolve("hugepages.json").toString()), out -> List.of("hugepages",
                "--size", "8m", "--mappings", "4k", "--forks", "1", "--iterations", "1", "--warmup", "1", "--out",
                out.resolve("hugepages.json").toString()));
        // the process model: many processes on one segment, pools raised and shmem_enabled changed as root
        scenario(random, "hugepages-processes", 4, 300, 6_000, true, out -> List.of("hugepages", "--processes",
                "1,4,16", "--size", "64m", "--mappings", "4k,thp,2m", "--iterations", "2", "--out", out.toString()),
                out -> List.of("hugepages", "--processes", "2", "--size", "8m", "--mappings", "4k", "--kinds",
                        "sysv", "--iterations", "1", "--out", out.toString()));

        System.out.printf("fault injection (seed %d): %d faults injected (%d commands finished before their"
                + " moment), %d resources checked, %d leftovers%s%n", SEED, faults, finishedFirst, checks,
                leftovers.size(), skipped.isEmpty() ? "" : "; skipped: " + String.join("; ", skipped));
        assertEquals(List.of(), leftovers);
        assertTrue(faults + finishedFirst >= (postgres ? 36 : 30), "kill points: " + (faults + finishedFirst));
        assertTrue(faults >= 20, "most moments must find the command still running: " + faults);
    }

    @Test
    void aFullDiskEndsARunWithOneLineKeepsItsResultsAndLeavesNothing() throws Exception {
        assumeRoot("mounting a small tmpfs for the run directory needs root");
        Path disk = Files.createDirectory(work.resolve("full-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        String mountOutput = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here: " + mountOutput.strip());
        try {
            HostState before = HostState.read(runTmp);
            List<String> args = List.of("run", "--allocators", "aset-native,glibc", "--traces", "small-churn,logrand",
                    "--ops", "5000", "--forks", "1", "--warmup", "1", "--rounds", "2", "--no-postgres", "--out",
                    disk.toString());
            Result r = runToEnd(args);
            // results.json is what a full disk must not cost: it is written first; the report and exports after it
            assertEquals(1, r.exit, r.output);
            assertTrue(r.output.contains("No space left on device"), r.output);
            assertNoStackTrace("run on a full disk", r.output);
            List<String> left = HostState.read(runTmp).leftSince(before);
            assertEquals(List.of(), left);
            checks += HostState.CHECKS + checkResults("run on a full disk", args, 0);
            faults++;
        } finally {
            new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aPostgresServerKilledMidReplayEndsVerifyPgWithOneLineAndLeavesNothing() throws Exception {
        Assumptions.assumeTrue(postgresInstalled(), "PostgreSQL 15 is not installed (postgresql-15,"
                + " postgresql-server-dev-15)");
        HostState before = HostState.read(runTmp);
        Path log = work.resolve("pg-killed.log");
        Process p = start(List.of("verify-pg", "--ops", "200000", "--iterations", "5"), log);
        ProcessHandle postmaster = null;
        // its postmaster: a child of a pg_ctl that is a descendant of the command
        while (postmaster == null && p.isAlive()) {
            postmaster = ProcessHandle.allProcesses()
                    .filter(h -> h.info().commandLine().filter(c -> c.contains("/allocbench-pg-")
                            && c.contains("postgres -D")).isPresent())
                    .filter(h -> h.info().startInstant().isPresent())
                    .findFirst().orElse(null);
            Thread.sleep(50);
        }
        assertTrue(postmaster != null, "verify-pg ended before its server started: " + read(log));
        Thread.sleep(new SplittableRandom(SEED).nextLong(500, 3000)); // somewhere in the replays
        postmaster.destroyForcibly();
        assertTrue(p.waitFor(HANG_MINUTES, TimeUnit.MINUTES), "verify-pg hung after its server was killed");
        String output = read(log);
        assertEquals(1, p.exitValue(), output);
        assertNoStackTrace("verify-pg with its server killed", output);
        Sweep.run(owners, true);
        assertEquals(List.of(), HostState.read(runTmp).leftSince(before));
        checks += HostState.CHECKS;
        faults++;
    }

    /** Output dir to command line. */
    private interface Command {
        List<String> args(Path out) throws IOException;
    }

    private void scenario(SplittableRandom random, String name, int points, long minDelayMs, long maxDelayMs,
            boolean hasRunFiles, Command killed, Command next) throws Exception {
        for (int i = 0; i < points; i++) {
            long delay = random.nextLong(minDelayMs, maxDelayMs);
            boolean wholeGroup = i % 2 == 1;
            killPoint(name, killed.args(outDir(name)), delay, wholeGroup, hasRunFiles);
        }
        Path out = outDir(name + "-next");
        Result r = runToEnd(next.args(out));
        // a gate's verdict on a tiny A/A run is noise: it works if it decides (0 pass, 1 regression)
        boolean decided = name.equals("gate") && r.exit == 1 && r.output.contains("forks done");
        assertTrue(r.exit == 0 || decided, name + " after the faults: " + r.output);
        assertNoStackTrace(name + " after the faults", r.output);
    }

    private void killPoint(String name, List<String> args, long delayMs, boolean wholeGroup, boolean hasRunFiles)
            throws Exception {
        String label = name + " #" + (++point) + " (SIGKILL " + (wholeGroup ? "process group" : "JVM") + " at "
                + delayMs + " ms)";
        HostState before = HostState.read(runTmp);
        Path log = work.resolve("point-" + point + ".log");
        Process p = start(args, log);
        List<ProcessHandle> tree = new ArrayList<>();
        int cellsBefore = 0;
        if (!p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
            cellsBefore = finishedCells(args);
            tree.add(p.toHandle());
            tree.addAll(p.descendants().toList());
            if (wholeGroup) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).inheritIO().start().waitFor();
            } else {
                p.destroyForcibly();
            }
            p.waitFor();
            faults++;
        } else {
            finishedFirst++;
            assertEquals(0, p.exitValue(), label + " finished before its moment, but failed: " + read(log));
        }
        for (ProcessHandle h : tree) {
            h.onExit().get(HANG_MINUTES, TimeUnit.MINUTES); // only a hang reaches the bound
            if (h.isAlive()) {
                leftovers.add(label + ": process " + h.pid() + " " + h.info().commandLine().orElse(""));
            }
        }
        // once every process of the command is gone (a gate's forks end a moment after it), its reapers and
        // theirs have the records: this waits for those still at work and undoes what none undid
        Sweep.run(owners, true);
        HostState after = HostState.read(runTmp);
        List<String> left = after.leftSince(before);
        left.forEach(l -> leftovers.add(label + ": " + l));
        System.out.println(label + ": " + (tree.isEmpty() ? "finished first" : "killed " + tree.size()
                + " processes") + ", " + (left.isEmpty() ? "nothing left" : "LEFT " + left));
        checks += HostState.CHECKS + tree.size();
        if (hasRunFiles) {
            checks += checkResults(label, args, cellsBefore);
        }
    }

    /** Every results.json under the command's output parses and is not "running"; a killed one kept its cells. */
    private int checkResults(String label, List<String> args, int cellsBefore) throws IOException {
        int n = 0;
        for (Path file : resultsFiles(args)) {
            n++;
            RunResults r = ResultsStore.read(file);
            String status = r.run().status();
            assertFalse(RunInfo.RUNNING.equals(status), label + ": " + file + " still says running");
            assertTrue(r.cells().size() >= cellsBefore, label + ": " + file + " lost cells: " + r.cells().size()
                    + " < " + cellsBefore);
        }
        return n;
    }

    private int finishedCells(List<String> args) {
        int cells = 0;
        for (Path file : resultsFiles(args)) {
            try {
                cells += ResultsStore.read(file).cells().size();
            } catch (RuntimeException e) {
                // not written yet
            }
        }
        return cells;
    }

    private List<Path> resultsFiles(List<String> args) {
        int i = Math.max(args.indexOf("--out"), args.indexOf("--work"));
        if (i < 0) {
            return List.of();
        }
        Path dir = Path.of(args.get(i + 1));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(ResultsStore.RESULTS_FILE)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path outDir(String name) {
        return work.resolve("out-" + name + "-" + (point + 1));
    }

    /**
     * Starts {@code scripts/allocbench} (as a user does: it execs the JVM of the packaged jar) in a session of
     * its own, so its process group is its own; temporary files under {@link #runTmp}, output to {@code log}.
     */
    private Process start(List<String> args, Path log) throws IOException {
        Path root = Path.of(System.getProperty("allocbench.jar")).toAbsolutePath().getParent().getParent().getParent();
        List<String> cmd = new ArrayList<>(List.of("setsid", root.resolve("scripts/allocbench").toString()));
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("ALLOCBENCH_OWNERS_DIR", owners.toString());
        b.environment().put("TMPDIR", runTmp.toString());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return b.start();
    }

    private record Result(int exit, String output) {
    }

    private Result runToEnd(List<String> args) throws Exception {
        Path log = work.resolve("next-" + (++point) + ".log");
        Process p = start(args, log);
        assertTrue(p.waitFor(HANG_MINUTES * 3, TimeUnit.MINUTES), "hung: " + args);
        Sweep.run(owners, true);
        return new Result(p.exitValue(), read(log));
    }

    static void assertNoStackTrace(String what, String output) {
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), what + ": " + output);
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static boolean postgresInstalled() {
        return PgInstallation.unavailableReason() == null;
    }

    static void assumeRoot(String why) throws IOException {
        Assumptions.assumeTrue(isRoot(), why);
    }
}
