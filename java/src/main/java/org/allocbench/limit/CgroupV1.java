package org.allocbench.limit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where a cgroup v1 memory cgroup goes: under this process's own, in the memory hierarchy. */
final class CgroupV1 {

    static final Path MOUNT = Path.of("/sys/fs/cgroup/memory");

    private CgroupV1() {
    }

    /** The v1 memory hierarchy's directory of this process ("N:memory:/path"), or null. */
    static String ownPath(List<String> procSelfCgroup) {
        for (String line : procSelfCgroup) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory") && Files.isDirectory(MOUNT)) {
                return MOUNT + parts[2];
            }
        }
        return null;
    }

    static MemoryCgroup create(Path parent, String name, long limitBytes) {
        if (!Files.exists(parent.resolve("memory.limit_in_bytes"))) {
            throw new CgroupUnavailableException(parent + " is not a cgroup v1 memory cgroup");
        }
        return FileCgroup.create(FileCgroup.V1, parent, name, limitBytes);
    }
}
