package org.allocbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work starts, that a command will be able to write where
 * it was told to: a run has measured for minutes by the time it writes its
 * first file, and a limit trial has made a cgroup by the time it appends to
 * its journal. Creates nothing: a rejected command leaves no directory behind.
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * Why no directory can be created or written at {@code dir}, as "cannot write
     * DIR: PATH: reason", or null if one can.
     */
    static String directoryProblem(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return "cannot write " + dir + ": it is not a directory";
        }
        return ancestorProblem(dir);
    }

    /** Why no file can be written (created or appended to) at {@code file}, or null if one can. */
    static String fileProblem(Path file) {
        if (Files.isDirectory(file)) {
            return "cannot write " + file + ": it is a directory";
        }
        return ancestorProblem(file);
    }

    /**
     * {@link #fileProblem}, and the file's directory must exist already: for an output written at the end of
     * long work (a recording), so a typo is said before the work, not after.
     */
    static String newFileInExistingDirectoryProblem(Path file) {
        String problem = fileProblem(file);
        Path parent = file.toAbsolutePath().getParent();
        if (problem == null && parent != null && !Files.isDirectory(parent)) {
            problem = "cannot write " + file + ": " + parent + ": no such directory";
        }
        return problem;
    }

    /** The nearest existing path at or above {@code path} must be a writable directory (or writable itself). */
    private static String ancestorProblem(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null; // nothing exists, not even the root: let the write itself say why
        }
        if (!existing.equals(path.toAbsolutePath()) && !Files.isDirectory(existing)) {
            return "cannot write " + path + ": " + existing + ": Not a directory";
        }
        if (!Files.isWritable(existing)) {
            return "cannot write " + path + ": " + existing + ": " + (readOnly(existing) ? "Read-only file system"
                    : "Permission denied");
        }
        return null;
    }

    private static boolean readOnly(Path path) {
        try {
            return Files.getFileStore(path).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }
}
