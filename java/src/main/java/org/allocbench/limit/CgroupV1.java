package org.allocbench.limit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A cgroup v1 memory cgroup: memory.limit_in_bytes, memory.oom_control's oom_kill, memory.max_usage_in_bytes. */
final class CgroupV1 implements MemoryCgroup {

    static final Path MOUNT = Path.of("/sys/fs/cgroup/memory");

    private final Path dir;

    private CgroupV1(Path dir) {
        this.dir = dir;
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

    static CgroupV1 create(Path parent, String name, long limitBytes) {
        if (!Files.exists(parent.resolve("memory.limit_in_bytes"))) {
            throw new CgroupUnavailableException(parent + " is not a cgroup v1 memory cgroup");
        }
        CgroupV1 cgroup = new CgroupV1(CgroupFiles.makeDirectory(parent, name));
        try {
            CgroupFiles.write(cgroup.dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
            // With swap, memsw caps memory + swap, so the limit cannot be escaped into swap.
            if (Files.exists(cgroup.dir.resolve("memory.memsw.limit_in_bytes"))) {
                CgroupFiles.write(cgroup.dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(limitBytes));
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
        return CgroupFiles.keyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", -1L);
    }

    @Override
    public long peakBytes() {
        return CgroupFiles.number(dir.resolve("memory.max_usage_in_bytes"));
    }

    @Override
    public long usageBytes() {
        return CgroupFiles.number(dir.resolve("memory.usage_in_bytes"));
    }

    @Override
    public Map<String, Long> stat() {
        Map<String, Long> s = CgroupFiles.keyed(dir.resolve("memory.stat"));
        return Map.of("rss", s.getOrDefault("rss", -1L), "cache", s.getOrDefault("cache", -1L));
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
        return "cgroup v1 " + dir;
    }
}
