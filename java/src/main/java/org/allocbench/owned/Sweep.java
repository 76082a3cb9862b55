package org.allocbench.owned;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reclaims what earlier processes of the suite left and no reaper is there to
 * undo: records whose lock nobody holds (owner and reaper both dead, say killed
 * together). Records of live owners are left alone. With {@code waitForReapers},
 * a record whose owner is dead but which is still locked (a reaper at work) is
 * waited for, so that afterwards nothing of a dead owner remains.
 */
public final class Sweep {

    /** What a sweep found: lines of what it undid, and the owners still running. */
    public record Result(List<String> undone, List<String> running) {
    }

    private Sweep() {
    }

    /** The sweep every command makes at its start: quiet unless it undid something. */
    public static void atStart(Consumer<String> report) {
        try {
            Path dir = OwnerRecords.existingDirectory();
            if (dir == null) {
                return; // no run of the suite has recorded anything on this host
            }
            Result r = run(dir, false);
            r.undone().forEach(line -> report.accept("allocbench: cleaned up after an earlier run: " + line));
        } catch (RuntimeException e) {
            // the command itself matters more; `allocbench cleanup` says what is wrong
        }
    }

    public static Result run(Path dir, boolean waitForReapers) {
        List<String> undone = new ArrayList<>();
        List<String> running = new ArrayList<>();
        Path own = Ownership.recordFile();
        for (Path file : OwnerRecords.files(dir)) {
            if (own != null && file.toAbsolutePath().equals(own.toAbsolutePath())) {
                // never open our own record: closing any channel to it would drop our lock (FileLock's javadoc)
                continue;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = tryLock(channel);
                OwnerRecords.OwnerRecord record = OwnerRecords.read(file);
                if (lock == null) {
                    if (record == null || record.ownerAlive() || !waitForReapers) {
                        if (record != null && record.ownerAlive()) {
                            running.add(record.describeOwner());
                        }
                        continue;
                    }
                    channel.lock(); // its reaper is at work: let it finish
                }
                if (!Files.exists(file)) {
                    continue; // its reaper finished it
                }
                Reaper.reclaim(file, line -> undone.add(line.substring(line.indexOf(' ') + 1)));
            } catch (NoSuchFileException gone) {
                // reclaimed by its reaper between the listing and now
            } catch (IOException e) {
                undone.add("could not read the owner record " + file + ": " + e.getMessage());
            }
        }
        for (Path log : logsWithoutRecord(dir)) {
            try {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(": could not ")) {
                        undone.add("(earlier reaper) " + line.substring(line.indexOf(' ') + 1));
                    }
                }
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // unreadable: leave it for the user to look at
            }
        }
        OwnerRecords.removeIfEmpty(dir);
        return new Result(undone, running);
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException ours) {
            return null; // this JVM holds it (a record made under another owners directory setting)
        }
    }

    /** Reaper logs whose record is gone: kept only when something could not be undone. */
    private static List<Path> logsWithoutRecord(Path dir) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(OwnerRecords.SUFFIX + ".log"))
                    .filter(p -> !Files.exists(p.resolveSibling(p.getFileName().toString().replaceFirst("\\.log$", ""))))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
