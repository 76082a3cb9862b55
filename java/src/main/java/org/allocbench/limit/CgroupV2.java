package org.allocbench.limit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a cgroup v2 memory cgroup goes (files: memory.max, memory.events' oom_kill, memory.peak).
 * v2 forbids processes in a cgroup whose children have controllers
 * ("no internal processes"), so the trial's cgroup is made beside this
 * process's, under its parent, where the memory controller must be enabled
 * in cgroup.subtree_control.
 */
final class CgroupV2 {

    private CgroupV2() {
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

    static MemoryCgroup create(Path own, String name, long limitBytes) {
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
        return FileCgroup.create(FileCgroup.V2, parent, name, limitBytes);
    }
}
