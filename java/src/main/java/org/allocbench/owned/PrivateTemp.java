package org.allocbench.owned;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A temporary directory of this process's own, claimed, that becomes its
 * {@code java.io.tmpdir}: every temporary file it or its libraries make (JMH's
 * fork output files, runner copies, logs) lands there, so a kill leaves one
 * directory the reaper removes, not files no record names.
 *
 * <p>Two JDK details decide the order of things. The JDK reads
 * {@code java.io.tmpdir} once, at the first temporary file; so the directory
 * is made without the JDK's temporary-file helpers, and the property set
 * before any of them runs. JMH reads it once too, when its runner class loads,
 * for its lock file ({@code jmh.lock}: JMH's guard against two benchmark runs
 * at once on a host); that class is loaded first, so the lock stays shared in
 * the original directory.
 */
public final class PrivateTemp {

    private PrivateTemp() {
    }

    /** Installs the directory; returns it, or null (nothing changed) if it cannot be made. */
    public static Path install() {
        Path original = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Class.forName("org.openjdk.jmh.runner.Runner", true, PrivateTemp.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError noJmh) {
            // nothing to keep shared then
        }
        Path dir = original.resolve("allocbench-tmp-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        Ownership.claim(new Resource.TempDir(dir));
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            Ownership.release(new Resource.TempDir(dir));
            return null;
        }
        System.setProperty("java.io.tmpdir", dir.toString());
        return dir;
    }

    /** Removes the directory at the end of a command (after a kill, the reaper does). */
    public static void remove(Path dir) {
        try {
            Reclaim.deleteTree(dir);
            Ownership.release(new Resource.TempDir(dir));
        } catch (RuntimeException e) {
            // the reaper removes it once this process is gone
        }
    }
}
