package org.allocbench.owned;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * The process that cleans up after its owner, however the owner ends.
 *
 * <p>Started with the owner's first claim, in a session of its own
 * ({@code setsid}: a Ctrl-C or a signal to the owner's process group does not
 * reach it), with a small heap and the JIT kept simple: it spends its life
 * blocked. It waits for the owner record's lock, which the kernel hands over
 * only when the owner has died; then it undoes what the record still lists and
 * deletes the record. What it did goes to {@code <record>.log}, kept only if
 * something could not be undone (a later sweep reports it).
 */
public final class Reaper {

    private Reaper() {
    }

    static void start(Path record) throws IOException {
        // native access (the launcher's): a segment is removed through the segment library, which keeps its
        // own records
        Path log = log(record);
        JvmLauncher.mainClass(Reaper.class)
                .withJvmOptions(List.of("-Xmx24m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto"))
                .inOwnSession()
                .start(List.of(record.toString()), builder -> builder.redirectInput(new java.io.File("/dev/null"))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    static Path log(Path record) {
        return record.resolveSibling(record.getFileName() + ".log");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Reaper <owner record> (started by allocbench itself)");
            System.exit(2);
        }
        Path record = Path.of(args[0]);
        try (FileChannel channel = FileChannel.open(record, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.lock(); // blocks until the owner is gone
            boolean clean = reclaim(record, System.out::println);
            System.out.flush();
            if (clean) {
                Files.deleteIfExists(log(record));
            }
        } catch (java.nio.file.NoSuchFileException sweptAlready) {
            Files.deleteIfExists(log(record));
        }
        OwnerRecords.removeIfEmpty(record.getParent());
    }

    /**
     * Undoes what {@code record} lists and deletes it; the caller holds its lock.
     * Returns false if something could not be undone (the lines say what).
     */
    static boolean reclaim(Path record, java.util.function.Consumer<String> report) throws IOException {
        OwnerRecords.OwnerRecord r = OwnerRecords.read(record);
        if (r == null) {
            Files.deleteIfExists(record); // swept meanwhile, or never got its owner line
            return true;
        }
        boolean clean = true;
        for (String line : Reclaim.all(r)) {
            report.accept(Instant.now() + " " + r.describeOwner() + ": " + line);
            clean &= !line.startsWith("could not");
        }
        Files.deleteIfExists(record);
        return clean;
    }
}
