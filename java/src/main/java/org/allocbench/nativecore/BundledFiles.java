package org.allocbench.nativecore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The native files the jar carries under {@code native/linux-x86_64/} (the
 * library and its variants, the trial child, the whole-trace runner), copied
 * out when a child process needs them as files. Copies go into a private
 * directory ({@code rwx------}) whose name starts with a prefix the suite
 * owns; the caller deletes it as soon as the child has loaded them. (Callers
 * that must not leave it behind after a kill take it through the owner
 * records' private-directory helper, which claims it for the reaper.)
 */
public final class BundledFiles {

    static final String DIRECTORY = "/native/linux-x86_64/";

    private BundledFiles() {
    }

    /** A new private temporary directory named {@code prefix...}. */
    public static Path privateDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** Copies the bundled file {@code name} into {@code dir} (executable if asked); returns the copy. */
    public static Path copy(String name, Path dir, boolean executable) {
        String resource = DIRECTORY + name;
        try (InputStream in = BundledFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in this build (expected resource " + resource
                        + "); build with ./mvnw package, which runs make in native/");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (executable && !file.toFile().setExecutable(true, true)) {
                throw new IOException("cannot make " + file + " executable");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + name + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory made by {@link #privateDirectory} and its files; quietly, it is only cleanup. */
    public static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // what is left is in a private directory under the temporary directory
        }
    }
}
