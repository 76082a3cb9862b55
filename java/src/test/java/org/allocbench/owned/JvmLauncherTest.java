package org.allocbench.owned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.allocbench.nativecore.GlibcMalloc;
import org.junit.jupiter.api.Test;

/** What every JVM the suite starts is given: the same java, the common options, the tunables, a temporary directory. */
class JvmLauncherTest {

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Test
    void theCommandLineIsJavaTheTemporaryDirectoryTheOptionsThenTheProgram() {
        List<String> cmd = JvmLauncher.mainClass("CP", LaunchedChild.class).withJvmOptions(List.of("-Xmx64m"))
                .command(Path.of("/T"), List.of("a", "b"));
        assertEquals(List.of(JvmLauncher.javaExecutable(), "-Djava.io.tmpdir=/T",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx64m", "-cp", "CP",
                LaunchedChild.class.getName(), "a", "b"), cmd);
        List<String> jar = JvmLauncher.jar(Path.of("/x/allocbench.jar")).command(Path.of("/T"), List.of("run"));
        assertEquals(List.of("-jar", "/x/allocbench.jar", "run"), jar.subList(jar.size() - 3, jar.size()));
    }

    /** A worker inheriting this JVM's options gets each option once, and one temporary directory. */
    @Test
    void inheritedOptionsAreNotRepeated() {
        List<String> cmd = JvmLauncher.mainClass(LaunchedChild.class).inheritingJvmOptions()
                .command(Path.of("/T"), List.of());
        for (String key : List.of("--enable-native-access=", "--sun-misc-unsafe-memory-access=", "-Djava.io.tmpdir=")) {
            assertTrue(cmd.stream().filter(a -> a.startsWith(key)).count() <= 1, key + " twice: " + cmd);
        }
        assertTrue(cmd.contains("-Djava.io.tmpdir=/T"), cmd.toString());
        assertTrue(cmd.stream().anyMatch(a -> a.startsWith("--enable-native-access=")), cmd.toString());
    }

    @Test
    void aChildGetsTheTunablesAndThisJvmsTemporaryDirectory() throws Exception {
        List<String> seen = run(JvmLauncher.mainClass(classPath(), LaunchedChild.class), "glibc.malloc.arena_max=2");
        assertEquals(System.getProperty("java.io.tmpdir"), seen.get(0));
        assertEquals(GlibcMalloc.tunables("glibc.malloc.arena_max=2"), seen.get(1), "the caller's own kept");
        assertEquals("null", seen.get(2), "exits with its parent only when asked");
        assertEquals("x y", seen.get(4));
    }

    /** An allocbench command adopts and removes the directory it is given: it gets one of its own. */
    @Test
    void anAllocbenchCommandGetsATemporaryDirectoryOfItsOwnAndTheParentWatch() throws Exception {
        JvmLauncher launcher = JvmLauncher.mainClass(classPath(), LaunchedChild.class).withOwnTemporaryDirectory()
                .exitingWithParent();
        Path own;
        try (JvmLauncher.Child child = launcher.start(List.of(), builder -> { })) {
            own = child.temporaryDirectory();
            assertTrue(own.getFileName().toString().startsWith(PrivateTemp.PREFIX), own.toString());
            assertTrue(Files.isDirectory(own));
            List<String> seen = output(child.process());
            assertEquals(own.toString(), seen.get(0));
            assertEquals("1", seen.get(2));
        }
        assertFalse(Files.exists(own), "removed as the child is closed");
    }

    @Test
    void aFailedStartSaysWhatItRanAndLeavesNothing() {
        JvmLauncher launcher = JvmLauncher.mainClass(classPath(), LaunchedChild.class).withOwnTemporaryDirectory();
        IOException e = assertThrows(IOException.class,
                () -> launcher.start(List.of(), builder -> builder.directory(Path.of("/no/such/directory").toFile())));
        assertTrue(e.getMessage().startsWith("cannot start " + JvmLauncher.javaExecutable() + " -Djava.io.tmpdir="),
                e.getMessage());
        String tmp = e.getMessage().split(" ")[3].substring("-Djava.io.tmpdir=".length());
        assertFalse(Files.exists(Path.of(tmp)), "its temporary directory is removed again");
    }

    @Test
    void selfIsTheJarOrTheClassesOnThisClassPath() {
        // tests run from classes: the program is the class on this class path, and says so
        assertEquals("this build (classes)", JvmLauncher.describeSelf(LaunchedChild.class));
        List<String> cmd = JvmLauncher.self(LaunchedChild.class).command(Path.of("/T"), List.of());
        assertEquals(LaunchedChild.class.getName(), cmd.getLast());
    }

    private static List<String> run(JvmLauncher launcher, String tunables) throws Exception {
        try (JvmLauncher.Child child = launcher.start(List.of("x", "y"),
                builder -> builder.environment().put("GLIBC_TUNABLES", tunables))) {
            return output(child.process());
        }
    }

    private static List<String> output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child hung"); // only a hang
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return out.lines().toList();
    }
}
