package org.allocbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the launcher's main job does about the optional Debian packages
 * (scripts/lib/optional-packages.sh), run against fake dpkg-query, apt-get
 * and id: nothing is installed for real, and every branch is reachable on a
 * machine that has all the packages.
 */
class LauncherOptionalPackagesTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("scripts/lib/optional-packages.sh");
    private static final String ALL = "libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 postgresql-15"
            + " postgresql-server-dev-15";

    @TempDir
    Path dir;
    private Path fakes;
    private Path log;

    /** What the function printed, and the apt-get commands it ran. */
    private record Outcome(int exit, String stderr, List<String> aptGet) {
    }

    @BeforeEach
    void fakeCommands() throws IOException {
        fakes = Files.createDirectory(dir.resolve("bin"));
        log = dir.resolve("apt-get.log");
        Files.createFile(log);
        // dpkg-query -W -f='${Status}' PKG: installed if PKG is in $FAKE_INSTALLED
        fake("dpkg-query", "for p in $FAKE_INSTALLED; do [ \"$p\" = \"$3\" ] && { printf 'install ok installed'; exit 0; }; done\n"
                + "exit 1\n");
        // apt-get: logged; update fails when offline; install fails if it names a package in $FAKE_UNAVAILABLE
        fake("apt-get", "echo \"apt-get $*\" >> \"$FAKE_LOG\"\n"
                + "[ \"$1\" = update ] && { [ -z \"$FAKE_OFFLINE\" ]; exit $?; }\n"
                + "for a in \"$@\"; do for u in $FAKE_UNAVAILABLE; do [ \"$a\" = \"$u\" ] && exit 100; done; done\n"
                + "exit 0\n");
        fake("id", "echo \"$FAKE_UID\"\n");
    }

    private void fake(String name, String body) throws IOException {
        Path file = fakes.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private Outcome offer(String mode, Map<String, String> env, String path) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-c",
                "set -euo pipefail; source \"$1\"; offer_optional_packages \"$2\"", "test", SCRIPT.toString(), mode);
        Map<String, String> environment = builder.environment();
        environment.remove("ALLOCBENCH_OPTIONAL_ROOT"); // CI's fresh-machine pass sets it; these cases choose
        environment.put("PATH", path);
        environment.put("FAKE_LOG", log.toString());
        environment.putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), "hung");
        return new Outcome(process.exitValue(), stderr, Files.readAllLines(log));
    }

    private Outcome offer(String mode, Map<String, String> env) throws Exception {
        return offer(mode, env, fakes + ":/usr/bin:/bin");
    }

    @Test
    void nothingMissingNothingSaid() throws Exception {
        Outcome o = offer("install", Map.of("FAKE_INSTALLED", ALL, "FAKE_UID", "0"));
        assertEquals(new Outcome(0, "", List.of()), o);
    }

    @Test
    void asRootTheMissingOnesAreInstalledAfterSayingWhy() throws Exception {
        Outcome o = offer("install", Map.of("FAKE_INSTALLED", "libmimalloc2.0 libtcmalloc-minimal4"
                + " postgresql-server-dev-15", "FAKE_UID", "0"));
        assertEquals(0, o.exit());
        assertEquals("""
                allocbench: installing libjemalloc2 so the quick campaign can compare jemalloc
                allocbench: installing postgresql-15 so the quick campaign can time real PostgreSQL 15's AllocSet (pg15-real)
                allocbench: (as root; --no-install skips this)
                """, o.stderr());
        assertEquals(List.of("apt-get update -qq",
                "apt-get install -y -qq --no-install-recommends libjemalloc2 postgresql-15"), o.aptGet());
    }

    @Test
    void aFailedInstallIsAWarningAndTheRestIsInstalledAllTheSame() throws Exception {
        Outcome o = offer("install", Map.of("FAKE_INSTALLED", "", "FAKE_UID", "0", "FAKE_OFFLINE", "1",
                "FAKE_UNAVAILABLE", "postgresql-15 postgresql-server-dev-15"));
        assertEquals(0, o.exit(), o.stderr());
        assertTrue(o.stderr().contains("allocbench: warning: apt-get update failed"), o.stderr());
        assertTrue(o.stderr().endsWith("allocbench: warning: could not install postgresql-15 postgresql-server-dev-15"
                + " (no network, or not offered by this release); running without them\n"), o.stderr());
        assertEquals(List.of("apt-get update -qq", "apt-get install -y -qq --no-install-recommends " + ALL,
                "apt-get install -y -qq --no-install-recommends libjemalloc2",
                "apt-get install -y -qq --no-install-recommends libmimalloc2.0",
                "apt-get install -y -qq --no-install-recommends libtcmalloc-minimal4",
                "apt-get install -y -qq --no-install-recommends postgresql-15",
                "apt-get install -y -qq --no-install-recommends postgresql-server-dev-15"), o.aptGet());
    }

    @Test
    void notRootItRunsWithoutThemAndNamesTheLine() throws Exception {
        Outcome o = offer("install", Map.of("FAKE_INSTALLED", "libmimalloc2.0 libtcmalloc-minimal4"
                + " postgresql-server-dev-15", "FAKE_UID", "1000"));
        assertEquals(new Outcome(0, "allocbench: running without libjemalloc2 postgresql-15; to add them:"
                + " sudo apt-get install libjemalloc2 postgresql-15\n", List.of()), o);
    }

    @Test
    void noInstallAsRootOnlyNamesTheLine() throws Exception {
        Outcome o = offer("no-install", Map.of("FAKE_INSTALLED", "libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4",
                "FAKE_UID", "0"));
        assertEquals(new Outcome(0, "allocbench: --no-install: running without postgresql-15 postgresql-server-dev-15;"
                + " apt-get install postgresql-15 postgresql-server-dev-15 adds them\n", List.of()), o);
    }

    @Test
    void withoutAptItSaysWhatDebianWouldNeed() throws Exception {
        Path nothing = Files.createDirectory(dir.resolve("empty-path"));
        Outcome o = offer("install", Map.of("FAKE_UID", "0"), nothing.toString());
        assertEquals(new Outcome(0, "allocbench: not Debian (no apt-get): allocators and PostgreSQL 15 that are"
                + " missing are listed as not run; on Debian, apt-get install " + ALL + " adds them\n", List.of()), o);
    }

    @Test
    void underTheOptionalRootNothingIsInstalled() throws Exception {
        Outcome o = offer("install", Map.of("FAKE_INSTALLED", "", "FAKE_UID", "0", "ALLOCBENCH_OPTIONAL_ROOT",
                dir.toString()));
        assertEquals(new Outcome(0, "allocbench: ALLOCBENCH_OPTIONAL_ROOT is set: not installing optional packages\n",
                List.of()), o);
    }
}
