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
        List<Path> logs = new ArrayList<>();
        for (String name : List.of("baseline", "candidate")) {
            Path copy = Files.copy(jar, work.resolve(name + ".jar"));
            Path log = work.resolve(name + ".log");
            logs.add(log);
            // a small campaign: per-op lanes in child JVMs and whole-trace lanes in runner processes, all from the jar
            runs.add(new ProcessBuilder(javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-Djava.io.tmpdir=" + tmp, "-jar", copy.toString(),
                    "run", "--allocators", "aset-native,aset-java", "--traces", "small-churn,logrand", "--ops", "20000",
                    "--rounds", "3", "--warmup", "1", "--forks", "1", "--no-postgres")
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int i = 0; i < runs.size(); i++) {
            // generous: only a hang should ever reach it (the run takes seconds even on a loaded host)
            assertTrue(runs.get(i).waitFor(15, TimeUnit.MINUTES), "the run hung");
            String output = Files.readString(logs.get(i), StandardCharsets.UTF_8);
            assertEquals(0, runs.get(i).exitValue(), output);
            assertTrue(output.contains("vs aset-native"), output);
            assertTrue(output.contains("vs aset-c"), output);
            assertTrue(output.lines().anyMatch(line -> line.matches(" +\\d+=? +aset-java +\\d.*")), output);
            assertTrue(output.contains("Grand total: "), output);
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "extracted libraries and runner copies must be removed once loaded");
        }
    }

    private static String javaExecutable() throws IOException {
        return ProcessHandle.current().info().command().orElseThrow(() -> new IOException("cannot find this JVM's java"));
    }
}
