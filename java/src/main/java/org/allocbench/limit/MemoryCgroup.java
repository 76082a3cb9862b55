package org.allocbench.limit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A memory cgroup made for one trial, under the cgroup this JVM runs in:
 * cgroup v2 ({@code memory.max}) where the v2 memory controller is available
 * there, else v1 ({@code memory.limit_in_bytes}). Removed by {@link #remove()},
 * also after a kill (the caller's finally).
 */
public interface MemoryCgroup extends AutoCloseable {

    /** Moves a process into this cgroup (before it allocates anything). */
    void add(long pid);

    /** OOM kills counted by this cgroup's own counters (v2 memory.events oom_kill, v1 memory.oom_control oom_kill). */
    long oomKills();

    /** The highest usage seen (v2 memory.peak, v1 memory.max_usage_in_bytes), or -1 where the kernel has none. */
    long peakBytes();

    /** Current usage in bytes. */
    long usageBytes();

    /**
     * The split the kernel makes: {@code rss} (anonymous memory, what it cannot reclaim)
     * and {@code cache} (page cache, which it can), from memory.stat.
     */
    Map<String, Long> stat();

    /** Where it is, for messages: the directory. */
    Path path();

    /** Removes the cgroup (waits briefly for a killed process to leave it). */
    void remove();

    @Override
    default void close() {
        remove();
    }

    /**
     * Creates {@code name} with {@code limitBytes} under this process's own
     * cgroup: v2 if possible, else v1.
     *
     * @throws CgroupUnavailableException saying exactly what is missing (no
     *         memory controller, or no permission to create a cgroup there)
     */
    static MemoryCgroup create(String name, long limitBytes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            throw new CgroupUnavailableException("cannot read /proc/self/cgroup: " + e.getMessage());
        }
        StringBuilder why = new StringBuilder();
        String v2 = CgroupV2.ownPath(lines);
        if (v2 != null) {
            try {
                return CgroupV2.create(Path.of(v2), name, limitBytes);
            } catch (CgroupUnavailableException e) {
                why.append(e.getMessage()).append("; ");
            }
        }
        String v1 = CgroupV1.ownPath(lines);
        if (v1 != null) {
            try {
                return CgroupV1.create(Path.of(v1), name, limitBytes);
            } catch (CgroupUnavailableException e) {
                why.append(e.getMessage());
            }
        } else {
            why.append("no cgroup v1 memory controller is mounted");
        }
        throw new CgroupUnavailableException(why.toString());
    }
}
