package org.allocbench.limit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;

/**
 * A memory cgroup made of control files; v1 and v2 differ only in the files'
 * names (and in where a trial's cgroup may go, which CgroupV1 / CgroupV2 decide).
 */
final class FileCgroup implements MemoryCgroup {

    /**
     * The control files of one cgroup version. {@code swapValue}: what to write to
     * the swap file so swap cannot extend the limit (null: the limit itself, v1's
     * memsw counts memory + swap).
     */
    record Layout(String version, String limit, String swapLimit, String swapValue, String events, String peak,
            String usage, String rssKey, String cacheKey) {
    }

    static final Layout V1 = new Layout("v1", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", null,
            "memory.oom_control", "memory.max_usage_in_bytes", "memory.usage_in_bytes", "rss", "cache");
    static final Layout V2 = new Layout("v2", "memory.max", "memory.swap.max", "0", "memory.events", "memory.peak",
            "memory.current", "anon", "file");

    private final Layout layout;
    private final Path dir;

    private FileCgroup(Layout layout, Path dir) {
        this.layout = layout;
        this.dir = dir;
    }

    /** Makes {@code parent/name} with the limit (and no escape into swap); removes it again if that fails. */
    static FileCgroup create(Layout layout, Path parent, String name, long limitBytes) {
        // claimed first: a kill between mkdir and the claim would leave it unlisted
        Ownership.claim(new Resource.Cgroup(parent.resolve(name)));
        FileCgroup cgroup;
        try {
            cgroup = new FileCgroup(layout, CgroupFiles.makeDirectory(parent, name));
        } catch (RuntimeException e) {
            Ownership.release(new Resource.Cgroup(parent.resolve(name)));
            throw e;
        }
        try {
            CgroupFiles.write(cgroup.dir.resolve(layout.limit()), Long.toString(limitBytes));
            if (Files.exists(cgroup.dir.resolve(layout.swapLimit()))) {
                CgroupFiles.write(cgroup.dir.resolve(layout.swapLimit()),
                        layout.swapValue() != null ? layout.swapValue() : Long.toString(limitBytes));
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
        return CgroupFiles.keyed(dir.resolve(layout.events())).getOrDefault("oom_kill", -1L);
    }

    @Override
    public long peakBytes() {
        return CgroupFiles.number(dir.resolve(layout.peak()));
    }

    @Override
    public long usageBytes() {
        return CgroupFiles.number(dir.resolve(layout.usage()));
    }

    @Override
    public Map<String, Long> stat() {
        Map<String, Long> s = CgroupFiles.keyed(dir.resolve("memory.stat"));
        return Map.of("rss", s.getOrDefault(layout.rssKey(), -1L), "cache", s.getOrDefault(layout.cacheKey(), -1L));
    }

    @Override
    public Path path() {
        return dir;
    }

    @Override
    public void remove() {
        CgroupFiles.removeDirectory(dir);
        Ownership.release(new Resource.Cgroup(dir));
    }

    @Override
    public String toString() {
        return "cgroup " + layout.version() + " " + dir;
    }
}
