package org.allocbench.owned;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The owner records: one file per process that claimed something, in a
 * directory private to the user ({@code /tmp/allocbench-owners-<uid>}, or
 * {@code ALLOCBENCH_OWNERS_DIR}: tests give each run a directory of its own so
 * that nothing they do can reach another run's record).
 *
 * <p>A record is append-only text, so a crash mid-write costs at most its last
 * line: {@code owner <pid> <start time> <command>}, then {@code + <resource>}
 * when a resource is made and {@code - <resource>} when its maker removed it.
 * What is still pending is every {@code +} not struck by a later {@code -}.
 */
public final class OwnerRecords {

    static final String SUFFIX = ".owned";
    static final String ENV = "ALLOCBENCH_OWNERS_DIR";

    /** One record as read back. {@code startTime}: the owner's start in clock ticks after boot (/proc stat field 22). */
    public record OwnerRecord(Path file, long pid, long startTime, String command, List<Resource> pending) {

        /** Whether the process that wrote the record is still running (the PID not since reused). */
        public boolean ownerAlive() {
            return pid > 0 && OwnerRecords.startTime(pid) == startTime;
        }

        public String describeOwner() {
            return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
        }
    }

    private OwnerRecords() {
    }

    /** The records' directory, created private (0700) if missing; refused if someone else could write into it. */
    public static Path directory() {
        Path dir = location();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return checked(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + " for owner records: " + e.getMessage(), e);
        }
    }

    /** The records' directory if it exists (checked as {@link #directory} does), else null: readers make none. */
    public static Path existingDirectory() {
        Path dir = location();
        try {
            return Files.isDirectory(dir) ? checked(dir) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + " for owner records: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the default directory once its last record is gone, so that a host where nothing runs keeps
     * nothing of the suite; a directory given in {@value #ENV} is the caller's and stays. A process about to
     * write a record there makes it again ({@link Ownership}).
     */
    static void removeIfEmpty(Path dir) {
        if (!dir.equals(location()) || isConfigured()) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
            // a record (or a reaper's log worth reading) is still there
        }
    }

    private static boolean isConfigured() {
        String configured = System.getenv(ENV);
        return configured != null && !configured.isBlank();
    }

    private static Path location() {
        if (isConfigured()) {
            return Path.of(System.getenv(ENV));
        }
        // one place per user whatever java.io.tmpdir a run was given, so every run's sweep sees every record
        Path base = Files.isWritable(Path.of("/tmp")) ? Path.of("/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("allocbench-owners-" + uid());
    }

    private static Path checked(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        Object owner = Files.getAttribute(dir, "unix:uid");
        // a record tells the reaper what to delete: nobody else may plant one
        if (!owner.equals(uid()) || mode.contains(PosixFilePermission.GROUP_WRITE)
                || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException(dir + " (owner records) is not private to this user: it must be "
                    + "owned by uid " + uid() + " and writable by no one else; remove it or set " + ENV);
        }
        return dir;
    }

    /** The record files in {@code dir}, oldest name first. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static String fileName(long pid, long startTime) {
        return pid + "-" + startTime + SUFFIX;
    }

    static String header(long pid, long startTime, String command) {
        return "owner\t" + pid + "\t" + startTime + "\t" + command.replace('\t', ' ').replace('\n', ' ') + "\n";
    }

    static String entry(boolean made, Resource r) {
        return (made ? "+\t" : "-\t") + r.line() + "\n";
    }

    /** Reads a record; null if it is gone or has no owner line. */
    public static OwnerRecord read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        if (lines.isEmpty()) {
            return null;
        }
        String[] head = lines.get(0).split("\t", 4);
        if (head.length < 3 || !head[0].equals("owner")) {
            return null;
        }
        List<Resource> pending = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.length() < 2) {
                continue;
            }
            Resource r = Resource.parse(line.substring(2));
            if (r == null) {
                continue; // a torn last line
            }
            if (line.charAt(0) == '+') {
                pending.add(r);
            } else if (line.charAt(0) == '-') {
                pending.remove(r);
            }
        }
        try {
            return new OwnerRecord(file, Long.parseLong(head[1]), Long.parseLong(head[2]),
                    head.length > 3 ? head[3] : "", pending);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A process's start time (clock ticks after boot), or -1 if there is no such process. */
    public static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces and parentheses: count from the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
