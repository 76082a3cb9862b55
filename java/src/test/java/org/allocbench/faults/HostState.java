package org.allocbench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a run of the suite can leave on a host, read off it: the suite's
 * temporary directories (in /tmp and in the run's own java.io.tmpdir), POSIX
 * segments in /dev/shm, SysV segments, cgroups named allocbench-*, the huge page
 * pools, transparent huge pages' shmem_enabled (hugepages --processes sets it for
 * a run), and PostgreSQL servers of throwaway clusters. JMH's lock file
 * ({@code jmh.lock}) is JMH's own, kept after every run by design. {@link #leftSince}
 * compares two readings; each category is one check.
 */
record HostState(Set<String> tmp, Set<String> runTmp, Set<String> devShm, Set<String> sysv, Set<String> cgroups,
        Map<String, String> pools, String shmemThp, Set<String> servers) {

    /** How many kinds of thing one comparison checks. */
    static final int CHECKS = 8;

    static HostState read(Path runTmp) {
        return new HostState(names(Path.of("/tmp"), "allocbench-", "allocbench-owners-", "allocbench-faults-"),
                names(runTmp, "", "jmh.lock"), names(Path.of("/dev/shm"), ""), readSysv(),
                readCgroups(), readPools(), readShmemThp(), readServers());
    }

    /** What is here now and was not in {@code before}, one line per thing; empty if nothing was left. */
    List<String> leftSince(HostState before) {
        List<String> left = new ArrayList<>();
        added("temporary directory /tmp/", before.tmp, tmp, left);
        added("in the run's temporary directory: ", before.runTmp, runTmp, left);
        added("POSIX segment /dev/shm/", before.devShm, devShm, left);
        added("SysV segment ", before.sysv, sysv, left);
        added("cgroup ", before.cgroups, cgroups, left);
        added("PostgreSQL server ", before.servers, servers, left);
        pools.forEach((pool, n) -> {
            if (!n.equals(before.pools.get(pool))) {
                left.add("huge page pool " + pool + ": nr_hugepages " + before.pools.get(pool) + " -> " + n);
            }
        });
        if (!shmemThp.equals(before.shmemThp)) {
            left.add("transparent_hugepage/shmem_enabled: " + before.shmemThp + " -> " + shmemThp);
        }
        return left;
    }

    private static void added(String what, Set<String> before, Set<String> now, List<String> left) {
        for (String s : now) {
            if (!before.contains(s)) {
                left.add(what + s);
            }
        }
    }

    /** The names in {@code dir} that start with {@code prefix} and with none of {@code except}. */
    private static Set<String> names(Path dir, String prefix, String... except) {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .filter(n -> java.util.Arrays.stream(except).noneMatch(n::startsWith)).forEach(out::add);
        } catch (IOException e) {
            // a missing directory holds nothing
        }
        return out;
    }

    /** SysV segments as "shmid (key, creator pid)": /proc/sysvipc/shm. */
    private static Set<String> readSysv() {
        Set<String> out = new TreeSet<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                out.add(f[1] + " (key " + f[0] + ", creator pid " + f[4] + ")");
            }
        } catch (IOException | RuntimeException e) {
            // no SysV IPC here
        }
        return out;
    }

    private static Set<String> readCgroups() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 6,
                (p, a) -> a.isDirectory() && p.getFileName() != null
                        && p.getFileName().toString().startsWith("allocbench-"))) {
            s.map(Path::toString).forEach(out::add);
        } catch (IOException | RuntimeException e) {
            // no cgroup file system
        }
        return out;
    }

    private static Map<String, String> readPools() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/kernel/mm/hugepages"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(p.getFileName().toString(), Files.readString(p.resolve("nr_hugepages")).trim());
            }
        } catch (IOException e) {
            // no hugetlb
        }
        return out;
    }

    private static String readShmemThp() {
        try {
            return Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled")).trim();
        } catch (IOException e) {
            return "absent";
        }
    }

    /** Throwaway clusters' postmasters and backends: "pid command". */
    private static Set<String> readServers() {
        Set<String> out = new TreeSet<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("allocbench-pg-") && c.contains("postgres"))
                .ifPresent(c -> out.add(p.pid() + " " + c)));
        return out;
    }
}
