package org.allocbench.owned;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.allocbench.nativecore.BundledFiles;

/**
 * A temporary directory of one command's own: every temporary file the
 * command, JMH (its fork output files) and its child JVMs make lands there, so
 * a kill leaves one directory, which the reaper removes, and no files that no
 * record names.
 *
 * <p>The JDK reads {@code java.io.tmpdir} once, as the JVM starts, so the
 * directory must be given on the command line: the launcher
 * ({@code scripts/allocbench}) makes one named {@value #PREFIX}... for the
 * commands that make temporary files and passes it as
 * {@code -Djava.io.tmpdir}; {@link #adopt} claims it, and the command removes
 * it as it ends ({@link #delete}). A command that starts allocbench JVMs of its own gives each
 * a directory below its own ({@link #forChild}, through
 * {@link JvmLauncher#withOwnTemporaryDirectory}). Other child JVMs (JMH forks,
 * lane workers, memory cells) write into the same directory.
 */
public final class PrivateTemp {

    /** The name prefix of such directories. */
    public static final String PREFIX = "allocbench-tmp-";

    private PrivateTemp() {
    }

    /** Claims this JVM's temporary directory if it is one of ours and private; returns it, else null. */
    public static Path adopt() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        try {
            if (dir.getFileName() == null || !dir.getFileName().toString().startsWith(PREFIX)
                    || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || !Files.getAttribute(dir, "unix:uid").equals(OwnerRecords.uid())) {
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        Ownership.claim(new Resource.TempDir(dir));
        return dir;
    }

    /** A new directory, claimed, below this JVM's, for a child allocbench JVM ({@code -Djava.io.tmpdir=} it). */
    public static Path forChild() throws IOException {
        Path dir = Files.createTempDirectory(PREFIX);
        Ownership.claim(new Resource.TempDir(dir));
        return dir;
    }

    /** A private directory ({@link BundledFiles#privateDirectory}), claimed: the reaper removes it after a kill. */
    public static Path directory(String prefix) {
        Path dir = BundledFiles.privateDirectory(prefix);
        Ownership.claim(new Resource.TempDir(dir));
        return dir;
    }

    /**
     * Deletes a claimed directory ({@link #directory}, {@link #adopt}, {@link #forChild}) and strikes its claim;
     * if something in it cannot be deleted, the claim stays and the reaper tries again once this process is gone.
     */
    public static void delete(Path dir) {
        if (dir != null) {
            BundledFiles.deleteQuietly(dir);
            if (!Files.exists(dir)) {
                Ownership.release(new Resource.TempDir(dir));
            }
        }
    }
}
