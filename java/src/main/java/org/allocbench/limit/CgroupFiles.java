package org.allocbench.limit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing cgroup control files: "key value" lines and single numbers. */
final class CgroupFiles {

    private CgroupFiles() {
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write \"" + value + "\" to " + file + ": " + e.getMessage(), e);
        }
    }

    /** A file holding one number ("max" counts as -1); -1 if it does not exist. */
    static long number(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.equals("max") ? -1 : Long.parseLong(text);
        } catch (java.nio.file.NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A flat-keyed file ("key value" per line) as a map; empty if it does not exist. */
    static Map<String, Long> keyed(Path file) {
        Map<String, Long> values = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return values;
    }

    /** Removes a cgroup directory; a killed process may take a moment to leave it. */
    static void removeDirectory(Path dir) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException busy) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new UncheckedIOException(new IOException("cannot remove cgroup " + dir + ": a process is still in it"));
    }

    /** Creates the cgroup directory, saying what is missing if it cannot. */
    static Path makeDirectory(Path parent, String name) {
        Path dir = parent.resolve(name);
        try {
            return Files.createDirectory(dir);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CgroupUnavailableException("no permission to create a cgroup under " + parent
                    + " (run as root, or delegate that cgroup to this user)");
        } catch (IOException e) {
            throw new CgroupUnavailableException("cannot create cgroup " + dir + ": " + e);
        }
    }
}
