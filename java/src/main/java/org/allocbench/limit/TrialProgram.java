package org.allocbench.limit;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.owned.PrivateTemp;

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
        Path dir = PrivateTemp.directory("allocbench-trial-");
        // kept for the JVM's life; a shutdown hook empties and removes it (deleteOnExit cannot: it deletes in
        // reverse order of registration and only empty directories), and the reaper does after a kill
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PrivateTemp.delete(dir),
                "allocbench-trial-program-cleanup"));
        return BundledFiles.copy(name, dir, true);
    }
}
