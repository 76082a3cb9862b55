package org.allocbench.limit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cgroup v2 memory cgroup: memory.max, memory.events' oom_kill, memory.peak.
 * v2 forbids processes in a cgroup whose children have controllers
 * ("no internal processes"), so the trial's cgroup is made beside this
 * process's, under its parent, where the memory controller must be enabled
 * in cgroup.subtree_control.
 */
final class CgroupV2 implements MemoryCgroup {

    private final Path dir;

    private CgroupV2(Path dir) {
        this.dir = dir;
    }

    /** This process's v2 cgroup directory ("0::/path" with a cgroup2 mount), or null. */
    static String ownPath(List<String> procSelfCgroup) {
        Path mount = mountPoint();
        if (mount == null) {
            return null;
        }
        for (String line : procSelfCgroup) {
            if (line.startsWith("0::")) {
                return mount + line.substring(3);
            }
        }
        return null;
    }

    private static Path mountPoint() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return Path.of(f[1]);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static CgroupV2 create(Path own, String name, long limitBytes) {
        // the root cgroup has no memory.max and may hold processes and children alike
        Path parent = Files.exists(own.resolve("memory.max")) ? own.getParent() : own;
        try {
            String controllers = Files.readString(parent.resolve("cgroup.subtree_control"));
            if (!List.of(controllers.trim().split("\\s+")).contains("memory")) {
                throw new CgroupUnavailableException("the cgroup v2 memory controller is not enabled in "
                        + parent.resolve("cgroup.subtree_control") + " (available: "
                        + Files.readString(parent.resolve("cgroup.controllers")).trim() + ")");
            }
        } catch (IOException e) {
            throw new CgroupUnavailableException("cgroup v2 at " + parent + " unreadable: " + e.getMessage());
        }
        CgroupV2 cgroup = new CgroupV2(CgroupFiles.makeDirectory(parent, name));
        try {
            CgroupFiles.write(cgroup.dir.resolve("memory.max"), Long.toString(limitBytes));
            if (Files.exists(cgroup.dir.resolve("memory.swap.max"))) {
                CgroupFiles.write(cgroup.dir.resolve("memory.swap.max"), "0");
            }
            return cgroup;
        } catch (RuntimeException e) {
            cgroup.remove();
            throw e;
        }
    }

    @Override
    public void add(long pid) {
        CgroupFiles.write(dir.resolve("cgroup.procs"), Long.toString(pid));
    }

    @Override
    public long oomKills() {
        return CgroupFiles.keyed(dir.resolve("memory.events")).getOrDefault("oom_kill", -1L);
    }

    @Override
    public long peakBytes() {
        return CgroupFiles.number(dir.resolve("memory.peak"));
    }

    @Override
    public long usageBytes() {
        return CgroupFiles.number(dir.resolve("memory.current"));
    }

    @Override
    public Map<String, Long> stat() {
        Map<String, Long> s = CgroupFiles.keyed(dir.resolve("memory.stat"));
        return Map.of("rss", s.getOrDefault("anon", -1L), "cache", s.getOrDefault("file", -1L));
    }

    @Override
    public Path path() {
        return dir;
    }

    @Override
    public void remove() {
        CgroupFiles.removeDirectory(dir);
    }

    @Override
    public String toString() {
        return "cgroup v2 " + dir;
    }
}
