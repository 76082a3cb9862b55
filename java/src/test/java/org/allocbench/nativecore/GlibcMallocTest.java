package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pinned malloc settings reach every child's environment, and a user's own value for a key wins. */
class GlibcMallocTest {

    private static final String OURS = GlibcMalloc.SUITE_TUNABLES;

    /** The build starts test JVMs with the tunables spelled out in pom.xml: they must be the same. */
    @Test
    void theBuildsCopyOfTheTunablesIsTheSame() {
        String fromBuild = System.getenv("GLIBC_TUNABLES");
        assumeTrue(fromBuild != null, "not started by the build's surefire configuration");
        assertEquals(OURS, fromBuild);
    }

    @Test
    void addsAllThreeToNothing() {
        assertEquals(OURS, GlibcMalloc.tunables(null));
        assertEquals(OURS, GlibcMalloc.tunables(""));
    }

    @Test
    void keepsTheUsersTunablesAndTheirValues() {
        assertEquals("glibc.malloc.arena_max=2:" + OURS, GlibcMalloc.tunables("glibc.malloc.arena_max=2"));
        assertEquals("glibc.malloc.trim_threshold=1:glibc.malloc.mmap_threshold=" + GlibcMalloc.MMAP_THRESHOLD + ":"
                + GlibcMalloc.STATIC_TLS_TUNABLE, GlibcMalloc.tunables("glibc.malloc.trim_threshold=1"));
    }

    @Test
    void aKeyIsSetOnlyByItsOwnEntry() {
        assertTrue(GlibcMalloc.sets("a.b=1:" + GlibcMalloc.STATIC_TLS_KEY + "=4096", GlibcMalloc.STATIC_TLS_KEY));
        assertFalse(GlibcMalloc.sets("x" + GlibcMalloc.STATIC_TLS_KEY + "=4096", GlibcMalloc.STATIC_TLS_KEY));
        assertFalse(GlibcMalloc.sets(GlibcMalloc.STATIC_TLS_KEY + "x=4096", GlibcMalloc.STATIC_TLS_KEY));
        assertFalse(GlibcMalloc.sets(null, GlibcMalloc.STATIC_TLS_KEY));
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
