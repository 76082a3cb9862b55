package org.allocbench.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.AllocatorFactory.Availability;
import org.allocbench.alloc.MallocFamilyAllocator.Library;
import org.allocbench.alloc.MallocFamilyAllocator.VersionQuery;
import org.allocbench.nativecore.GlibcMalloc;
import org.junit.jupiter.api.Test;

/** Availability: what is missing is named with the fix, and nothing crashes to find out. */
class NativePeerAvailabilityTest {

    private static Library jemallocAt(String library) {
        return new Library("jemalloc", library, "libjemalloc2", "malloc", "calloc", "realloc", "free",
                VersionQuery.JEMALLOC_MALLCTL, 8);
    }

    @Test
    void aMissingLibraryPathNamesThePackageToInstall() {
        Availability availability = NativePeers.availability(jemallocAt("/nonexistent/allocbench/libjemalloc.so.2"));
        assertFalse(availability.available());
        assertEquals("/nonexistent/allocbench/libjemalloc.so.2 not found: install Debian package libjemalloc2",
                availability.reason());
    }

    @Test
    void aMissingSonameNamesThePackageToInstall() {
        Availability availability = NativePeers.availability(jemallocAt("libjemalloc-allocbench-absent.so.9"));
        assertFalse(availability.available());
        assertEquals("libjemalloc-allocbench-absent.so.9 not found: install Debian package libjemalloc2",
                availability.reason());
    }

    @Test
    void factoriesListTheFivePeersEachAvailableOrWithAReason() {
        List<AllocatorFactory> factories = NativePeers.factories();
        assertEquals(List.of("glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc"),
                factories.stream().map(AllocatorFactory::name).toList());
        assertTrue(factories.get(0).availability().available(), "glibc is always there");
        for (AllocatorFactory factory : factories) {
            assertFalse(factory.description().isBlank());
            if (!factory.availability().available()) {
                assertFalse(factory.availability().reason().isBlank(), factory.name());
            }
        }
    }

    /** Skips the test unless jemalloc's file is installed (where NativePeers looks), naming the package. */
    private static void assumeJemallocInstalled() {
        String missing = NativePeers.notInstalledReason(Library.JEMALLOC);
        assumeTrue(missing == null, missing);
    }

    /** surefire sets GLIBC_TUNABLES (root pom.xml), so an installed jemalloc must load in the test JVM. */
    @Test
    void jemallocLoadsWhenInstalledAndTheTunableIsSet() {
        assumeJemallocInstalled();
        String tunables = System.getenv("GLIBC_TUNABLES");
        assumeTrue(GlibcMalloc.sets(tunables, GlibcMalloc.STATIC_TLS_KEY),
                "this JVM was started without the static TLS tunable (not under surefire)");
        Availability availability = NativePeers.availability(Library.JEMALLOC);
        assertTrue(availability.available(), availability.reason());
    }

    /** Without the tunable, dlopen fails in static TLS, and the reason says exactly what to set. */
    @Test
    void withoutTheTunableJemallocSaysWhatToSet() throws Exception {
        assumeJemallocInstalled();
        assertEquals("false jemalloc needs GLIBC_TUNABLES=" + GlibcMalloc.STATIC_TLS_TUNABLE + " in the environment"
                + " at JVM start (scripts/allocbench sets it)", childJvmReport(null));
        assertEquals("false jemalloc needs GLIBC_TUNABLES=" + GlibcMalloc.STATIC_TLS_TUNABLE + " in the environment"
                + " at JVM start (scripts/allocbench sets it); GLIBC_TUNABLES here is \"glibc.malloc.arena_max=2\"",
                childJvmReport("glibc.malloc.arena_max=2"));
    }

    /** Runs {@link Child} in a fresh JVM with {@code GLIBC_TUNABLES} as given (null: unset); returns its line. */
    private static String childJvmReport(String tunables) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName());
        Map<String, String> environment = builder.environment();
        environment.remove("GLIBC_TUNABLES");
        if (tunables != null) {
            environment.put("GLIBC_TUNABLES", tunables);
        }
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "child JVM hung");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Prints jemalloc's availability: "true" or "false REASON". */
    public static final class Child {
        public static void main(String[] args) {
            Availability availability = NativePeers.availability(Library.JEMALLOC);
            System.out.println(availability.available() + (availability.available() ? "" : " " + availability.reason()));
        }
    }
}
