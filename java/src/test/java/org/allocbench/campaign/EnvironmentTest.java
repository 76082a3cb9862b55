package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    @Test
    void theFactsThatDecideTheNumbers() {
        Map<String, Object> env = Environment.capture();
        assertEquals(List.of("hostname", "os", "kernel", "cpuModel", "logicalCpus", "memTotalBytes",
                "transparentHugePages", "hugePagePools", "cpuGovernor", "jvm", "glibcTunables", "glibcMalloc",
                "glibcVersion", "allocators", "postgresql15", "allocbench"), List.copyOf(env.keySet()));
        Map<?, ?> malloc = (Map<?, ?>) env.get("glibcMalloc");
        assertEquals(33554432L, malloc.get("mmapThresholdBytes"));
        assertEquals(67108864L, malloc.get("trimThresholdBytes"));
        assertEquals("GLIBC_TUNABLES", malloc.get("pinnedBy"), "surefire starts the test JVM with them pinned");
        Map<?, ?> build = (Map<?, ?>) env.get("allocbench");
        assertTrue(build.containsKey("gitDirty") && build.containsKey("gitDiffSha256"), build.toString());
        if (Boolean.TRUE.equals(build.get("gitDirty"))) {
            assertTrue(String.valueOf(build.get("gitDiffSha256")).matches("[0-9a-f]{64}"), build.toString());
        }
        assertNotNull(env.get("kernel"));
        assertEquals(Runtime.getRuntime().availableProcessors(), env.get("logicalCpus"));
        assertTrue(((Long) env.get("memTotalBytes")) > 0);
        assertTrue(String.valueOf(env.get("glibcVersion")).matches("2\\.\\d+"), String.valueOf(env.get("glibcVersion")));
        Map<?, ?> thp = (Map<?, ?>) env.get("transparentHugePages");
        assertTrue(List.of("always", "madvise", "never").contains(thp.get("enabled")), thp.toString());
        Map<?, ?> allocators = (Map<?, ?>) env.get("allocators");
        assertTrue(String.valueOf(allocators.get("aset-native")).startsWith("liballocbench"), allocators.toString());
        assertTrue(String.valueOf(allocators.get("glibc")).startsWith("glibc 2."), allocators.toString());
        Map<?, ?> jvm = (Map<?, ?>) env.get("jvm");
        assertEquals(Runtime.version().toString(), jvm.get("version"));
        Map<?, ?> pg = (Map<?, ?>) env.get("postgresql15");
        assertEquals(pg.get("available"), pg.get("reason") == null);
    }

    @Test
    void tableFlattensGroups() {
        String table = Environment.table(Map.of("jvm", Map.of("version", "25"), "cpuGovernor", "performance"));
        assertTrue(table.contains("jvm.version  25\n"), table);
        assertEquals("a.b  (unknown)\n", Environment.table(java.util.Collections.singletonMap("a",
                java.util.Collections.singletonMap("b", null))));
        assertEquals("threads  (none)\n", Environment.table(Map.of("threads", List.of())));
    }

    @Test
    void thpSelection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("enabled"), "always [madvise] never\n");
        assertEquals("madvise", Environment.selected(f));
    }
}
