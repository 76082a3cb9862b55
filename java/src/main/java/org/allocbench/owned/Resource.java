package org.allocbench.owned;

import java.nio.file.Path;
import java.util.List;

/**
 * One thing the suite made outside its process, as an owner record lists it:
 * one tab-separated line, kind first. Paths hold no tabs or newlines (they are
 * the suite's own temporary names), which {@link #line} checks.
 */
public sealed interface Resource {

    /** A directory the suite created; reclaimed by deleting it with everything in it. */
    record TempDir(Path path) implements Resource {
    }

    /**
     * A PostgreSQL server on {@code dataDir}, started by {@code pgCtl} as OS user
     * {@code serverUser} (empty: the suite's own user); reclaimed by an immediate stop.
     */
    record PgServer(Path dataDir, Path pgCtl, String serverUser) implements Resource {
    }

    /** A cgroup directory; reclaimed by killing what is in it and removing it. */
    record Cgroup(Path path) implements Resource {
    }

    /** A huge page pool (its nr_hugepages file) raised from {@code previous}; reclaimed by writing that back. */
    record HugePool(Path nrHugepages, long previous) implements Resource {
    }

    /**
     * A kernel setting of the choose-one kind ({@code /sys/kernel/mm/transparent_hugepage/shmem_enabled}) changed
     * from {@code previous}; reclaimed by writing that back.
     */
    record KernelSetting(Path file, String previous) implements Resource {
    }

    /** A POSIX shared memory object (/dev/shm) by name; reclaimed by unlinking it. */
    record PosixSegment(String name) implements Resource {
    }

    /** A SysV shared memory segment by key; reclaimed by removing it (at once, or at its last detach). */
    record SysvSegment(long key) implements Resource {
    }

    /** A run's results.json; reclaimed by marking a run still "running" as killed. */
    record RunFile(Path resultsJson) implements Resource {
    }

    /** The record line of this resource. */
    default String line() {
        List<String> fields = switch (this) {
            case TempDir d -> List.of("dir", d.path().toString());
            case PgServer s -> List.of("pg", s.dataDir().toString(), s.pgCtl().toString(), s.serverUser());
            case Cgroup c -> List.of("cgroup", c.path().toString());
            case HugePool p -> List.of("hugepool", p.nrHugepages().toString(), Long.toString(p.previous()));
            case KernelSetting k -> List.of("setting", k.file().toString(), k.previous());
            case PosixSegment s -> List.of("posix", s.name());
            case SysvSegment s -> List.of("sysv", "0x" + Long.toHexString(s.key()));
            case RunFile r -> List.of("run", r.resultsJson().toString());
        };
        for (String f : fields) {
            if (f.indexOf('\t') >= 0 || f.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a resource name with a tab or newline cannot be recorded: " + f);
            }
        }
        return String.join("\t", fields);
    }

    /** The resource of a record line, or null if the line is not one (a torn last line after a crash). */
    static Resource parse(String line) {
        String[] f = line.split("\t", -1);
        try {
            return switch (f[0]) {
                case "dir" -> f.length == 2 ? new TempDir(Path.of(f[1])) : null;
                case "pg" -> f.length == 4 ? new PgServer(Path.of(f[1]), Path.of(f[2]), f[3]) : null;
                case "cgroup" -> f.length == 2 ? new Cgroup(Path.of(f[1])) : null;
                case "hugepool" -> f.length == 3 ? new HugePool(Path.of(f[1]), Long.parseLong(f[2])) : null;
                case "setting" -> f.length == 3 ? new KernelSetting(Path.of(f[1]), f[2]) : null;
                case "posix" -> f.length == 2 ? new PosixSegment(f[1]) : null;
                case "sysv" -> f.length == 2 && f[1].startsWith("0x") ? new SysvSegment(Long.parseLong(f[1].substring(2), 16)) : null;
                case "run" -> f.length == 2 ? new RunFile(Path.of(f[1])) : null;
                default -> null;
            };
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
