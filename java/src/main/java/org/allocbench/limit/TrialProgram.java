package org.allocbench.limit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trial's child program (native/trial/allocbench_trial.c), taken from the
 * jar into a private temporary directory once per JVM: allocbench-trial
 * (PostgreSQL 16+ layout) or allocbench-trial-pg15.
 */
final class TrialProgram {

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private TrialProgram() {
    }

    static Path path(String name) {
        return EXTRACTED.computeIfAbsent(name, TrialProgram::extract);
    }

    private static Path extract(String name) {
        String resource = "/native/linux-x86_64/" + name;
        try (InputStream in = TrialProgram.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in this build (expected resource " + resource
                        + "); build with ./mvnw package, which runs make in native/");
            }
            Path dir = Files.createTempDirectory("allocbench-trial-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path program = dir.resolve(name);
            Files.copy(in, program, StandardCopyOption.REPLACE_EXISTING);
            program.toFile().setExecutable(true, true);
            program.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return program;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + name + ": " + e.getMessage(), e);
        }
    }
}
