package org.allocbench.owned;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * This process's owner record: {@link #claim} before making something that
 * would outlive a kill, {@link #release} once it is gone again.
 *
 * <p>The first claim creates the record, locks it for the life of the process
 * and starts the {@link Reaper}. If that cannot be done (no writable temporary
 * directory, say), the run goes on without a safety net and says so once on
 * stderr: losing a benchmark to its cleanup bookkeeping would be worse.
 */
public final class Ownership {

    private static Ownership instance;
    private static boolean unavailable;

    private final Path file;
    private final FileChannel channel;

    private Ownership(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Writes {@code r} into this process's record (before it is made, so a kill in between still finds it). */
    public static void claim(Resource r) {
        Ownership o = instance();
        if (o != null) {
            o.append(OwnerRecords.entry(true, r));
        }
    }

    /** Strikes {@code r} from the record: its maker removed it. */
    public static void release(Resource r) {
        Ownership o;
        synchronized (Ownership.class) {
            o = instance;
        }
        if (o != null) {
            o.append(OwnerRecords.entry(false, r));
        }
    }

    /**
     * Undoes {@code r} now, as a reaper would, and strikes it: for a maker whose
     * own way out failed (a PostgreSQL server that was killed cannot be stopped).
     * Returns what was done, or null if nothing was left.
     */
    public static String reclaimNow(Resource r) {
        String done = Reclaim.undo(r);
        release(r);
        return done;
    }

    /** This process's record file, or null if it has claimed nothing yet. */
    public static synchronized Path recordFile() {
        return instance == null ? null : instance.file;
    }

    private static synchronized Ownership instance() {
        if (instance == null && !unavailable) {
            try {
                instance = create();
            } catch (RuntimeException | IOException e) {
                unavailable = true;
                System.err.println("allocbench: warning: what this run creates will not be cleaned up if it is killed"
                        + " (no owner record: " + e.getMessage() + ")");
            }
        }
        return instance;
    }

    private static Ownership create() throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long start = OwnerRecords.startTime(self.pid());
        Path file = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            file = OwnerRecords.directory().resolve(OwnerRecords.fileName(self.pid(), start));
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            } catch (java.nio.file.NoSuchFileException emptiedMeanwhile) {
                // a reaper removed the directory as its last record went: make it again, a few times at most
                if (attempt == 2) {
                    throw emptiedMeanwhile;
                }
            }
        }
        try {
            // held until this process dies: the lock is how the reaper and sweeps know it has
            channel.lock();
            String command = self.info().arguments().map(a -> String.join(" ", lastArguments(a))).orElse("");
            channel.write(ByteBuffer.wrap(OwnerRecords.header(self.pid(), start, command)
                    .getBytes(StandardCharsets.UTF_8)));
            Reaper.start(file);
            return new Ownership(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The command's own arguments (after the main class or jar), for the record's owner line. */
    private static List<String> lastArguments(String[] args) {
        List<String> all = List.of(args);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).startsWith("org.allocbench.") || all.get(i).endsWith(".jar")) {
                return all.subList(i + 1, all.size());
            }
        }
        return new ArrayList<>(all.subList(Math.max(0, all.size() - 6), all.size()));
    }

    private synchronized void append(String line) {
        try {
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            System.err.println("allocbench: warning: cannot write the owner record " + file + ": " + e.getMessage());
        }
    }
}
