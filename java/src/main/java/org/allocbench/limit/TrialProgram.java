package org.allocbench.limit;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.allocbench.nativecore.BundledFiles;

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
        Path dir = BundledFiles.privateDirectory("allocbench-trial-");
        Path program = BundledFiles.copy(name, dir, true);
        program.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return program;
    }
}
