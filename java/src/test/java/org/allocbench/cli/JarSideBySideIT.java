package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar carries its own native library: two copies of it (a
 * baseline and a candidate build, say), started from a directory that is not
 * the project, run side by side in two JVMs without seeing each other's
 * library, and leave no extracted copy behind.
 */
class JarSideBySideIT {

    @Test
    void twoJarsRunSideBySideFromAnotherDirectory(@TempDir Path work) throws Exception {
        Path jar = Path.of(System.getProperty("allocbench.jar"));
        Path tmp = Files.createDirectory(work.resolve("tmp"));
        List<Process> runs = new ArrayList<>();
        for (String name : List.of("baseline", "candidate")) {
            Path copy = Files.copy(jar, work.resolve(name + ".jar"));
            runs.add(new ProcessBuilder(javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-Djava.io.tmpdir=" + tmp, "-jar", copy.toString(),
                    "run", "--ops", "20000", "--rounds", "3", "--warmup", "1")
                    .directory(work.toFile()).redirectErrorStream(true).start());
        }
        for (Process run : runs) {
            assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the quick run did not finish in 2 minutes");
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, run.exitValue(), output);
            assertTrue(output.contains("vs aset-native"), output);
            assertTrue(output.lines().anyMatch(line -> line.matches("\\d+ +aset-java +\\d.*")), output);
            assertTrue(output.contains("Grand total: "), output);
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "extracted libraries must be removed once loaded");
        }
    }

    private static String javaExecutable() throws IOException {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IOException("cannot find this JVM's java"));
    }
}
