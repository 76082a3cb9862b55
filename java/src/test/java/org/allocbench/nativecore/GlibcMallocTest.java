package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pinned malloc settings reach every child's environment, and a user's own value for a key wins. */
class GlibcMallocTest {

    private static final String OURS = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864"
            + ":glibc.rtld.optional_static_tls=16384";

    @Test
    void addsAllThreeToNothing() {
        assertEquals(OURS, GlibcMalloc.tunables(null));
        assertEquals(OURS, GlibcMalloc.tunables(""));
    }

    @Test
    void keepsTheUsersTunablesAndTheirValues() {
        assertEquals("glibc.malloc.arena_max=2:" + OURS, GlibcMalloc.tunables("glibc.malloc.arena_max=2"));
        assertEquals("glibc.malloc.trim_threshold=1:glibc.malloc.mmap_threshold=33554432"
                + ":glibc.rtld.optional_static_tls=16384", GlibcMalloc.tunables("glibc.malloc.trim_threshold=1"));
    }

    @Test
    void putsThemIntoAChildsEnvironment() {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/bin"));
        GlibcMalloc.environment(env);
        assertEquals(OURS, env.get("GLIBC_TUNABLES"));
        assertEquals("/bin", env.get("PATH"));
    }

    @Test
    void describesHowThisProcessWasPinned() {
        Map<String, Object> d = GlibcMalloc.describe();
        assertEquals(GlibcMalloc.MMAP_THRESHOLD, d.get("mmapThresholdBytes"));
        assertTrue(String.valueOf(d.get("pinnedBy")).matches("GLIBC_TUNABLES|mallopt"), d.toString());
    }
}
