package org.allocbench.pg;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.trace.TraceWriter;

/**
 * {@code allocbench record-pg}: a throwaway PostgreSQL 15 cluster runs a SQL file (psql) or pgbench, once
 * without recording (the baseline, which also warms the cache) and once with every backend recording its
 * AllocSet operations (native/pgext/record.c, switched on per session through {@code PGOPTIONS}); the
 * busiest backend's recording becomes a version 2 trace ({@link PgRecording}).
 *
 * <p>Why the busiest backend only: psql runs in one backend, but pgbench also opens a connection of its own
 * before its clients start (to check the tables), and with several clients each has a backend; the
 * summary lists every backend recorded, and the trace is the one that did the work.
 */
public final class PgRecorder {

    private static final Duration CLIENT_TIMEOUT = Duration.ofHours(2);
    private static final Duration BACKEND_EXIT_WAIT = Duration.ofSeconds(60);

    private PgRecorder() {
    }

    /**
     * What to record.
     *
     * @param setupSql    run first, not recorded (creating and filling tables); may be null
     * @param sql         the SQL file whose session is recorded; null with pgbench
     * @param pgbenchArgs pgbench's arguments (after {@code pgbench -i -q} has initialised its tables); null with SQL
     * @param baseline    run the workload once without recording first, to time it
     */
    public record Request(Path setupSql, Path sql, List<String> pgbenchArgs, Path output, boolean baseline) {
    }

    /**
     * What a recording made.
     *
     * @param written     the busiest backend's conversion, written to the output
     * @param backends    every backend's conversion, busiest first
     * @param recordedNanos the recorded run's wall time (the client program's)
     * @param baselineNanos the unrecorded run's, or -1
     * @param bytes       the trace file's size
     */
    public record Result(PgRecording.Conversion written, List<PgRecording.Conversion> backends, long recordedNanos,
            long baselineNanos, long bytes, String serverVersion) {
    }

    public static Result record(Request request) {
        try (PgCluster cluster = PgCluster.start()) {
            Path records = cluster.directory().resolve("record");
            Files.createDirectory(records);
            PgProcesses.handToServerUser(records);
            if (request.setupSql() != null) {
                cluster.runClient(psql(request.setupSql()), null, CLIENT_TIMEOUT);
            }
            if (request.pgbenchArgs() != null) {
                cluster.runClient(List.of("pgbench", "-i", "-q"), null, CLIENT_TIMEOUT);
            }
            List<String> workload = request.sql() != null ? psql(request.sql()) : pgbench(request.pgbenchArgs());
            long baseline = -1;
            if (request.baseline()) {
                long start = System.nanoTime();
                cluster.runClient(workload, null, CLIENT_TIMEOUT);
                baseline = System.nanoTime() - start;
            }
            String options = "-c session_preload_libraries=" + escape(cluster.extensionLibrary().toString())
                    + " -c allocbench.record_dir=" + escape(records.toString());
            long start = System.nanoTime();
            cluster.runClient(workload, options, CLIENT_TIMEOUT);
            long recorded = System.nanoTime() - start;
            List<Path> raws = awaitBackends(records);
            List<PgRecording.Conversion> conversions = new ArrayList<>();
            String name = org.allocbench.trace.TraceReader.sequenceName(request.output().getFileName().toString());
            for (Path raw : raws) {
                conversions.add(PgRecording.convert(raw, name));
            }
            conversions.sort(Comparator.comparingInt((PgRecording.Conversion c) -> c.ops().length()).reversed());
            if (conversions.isEmpty()) {
                throw new PgCommandException("no backend recorded anything (the recording library did not load:"
                        + " see the server log in " + cluster.directory() + ")");
            }
            PgRecording.Conversion busiest = conversions.get(0);
            String server = cluster.serverVersion();
            TraceWriter.write(busiest.ops(), request.output(), comments(request, busiest, server));
            return new Result(busiest, conversions, recorded, baseline, Files.size(request.output()), server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> psql(Path file) {
        return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-f",
                file.toAbsolutePath().toString());
    }

    private static List<String> pgbench(List<String> args) {
        List<String> command = new ArrayList<>(List.of("pgbench"));
        command.addAll(args);
        return command;
    }

    /** A PGOPTIONS value: spaces and backslashes escaped with a backslash, as libpq reads them. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(" ", "\\ ");
    }

    private static List<String> comments(Request r, PgRecording.Conversion c, String server) {
        List<String> lines = new ArrayList<>();
        lines.add("recorded by allocbench record-pg: every AllocSet operation of one PostgreSQL backend (pid "
                + c.pid() + ")");
        lines.add("server: " + server.replaceAll("[^ -~]", "?"));
        lines.add("workload: " + (r.sql() != null ? "psql -f " + r.sql().getFileName()
                : "pgbench " + String.join(" ", r.pgbenchArgs())));
        lines.add("contexts older than the recording (TopMemoryContext, CacheMemoryContext, ...) are the root;"
                + " their " + c.olderOps() + " operations are left out");
        lines.add("left out: " + c.hugeDropped() + " allocations above MaxAllocSize, " + c.unknownFrees()
                + " frees of chunks never seen allocated, " + c.movedOps() + " operations on contexts moved to"
                + " another parent; " + c.unknownReallocs() + " resizes of unseen chunks became allocations; "
                + c.zeroSizes() + " palloc(0) became size 1");
        lines.add("e lines: PostgreSQL's own counters of each context before its delete, and at the backend's"
                + " exit for those alive");
        return lines;
    }

    /**
     * The recordings, once every backend that made one has exited and written its end record (the client
     * returns before its backend has finished exiting).
     */
    private static List<Path> awaitBackends(Path dir) throws IOException {
        long deadline = System.nanoTime() + BACKEND_EXIT_WAIT.toNanos();
        while (true) {
            List<Path> raws;
            try (Stream<Path> files = Files.list(dir)) {
                raws = files.filter(p -> p.getFileName().toString().endsWith(".raw")).sorted().toList();
            }
            List<Path> unfinished = raws.stream().filter(p -> !finished(p)).toList();
            if (unfinished.isEmpty()) {
                return raws;
            }
            if (System.nanoTime() > deadline) {
                throw new PgCommandException("the recording of " + unfinished.get(0).getFileName() + " did not end"
                        + " within " + BACKEND_EXIT_WAIT.toSeconds() + " s of the client's exit (its backend is"
                        + " still running, or was killed)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgCommandException("interrupted while waiting for the backends to exit", e);
            }
        }
    }

    /** Whether a raw recording ends with its end record. */
    static boolean finished(Path raw) {
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "r")) {
            long size = f.length();
            if (size < 2L * PgRecording.RECORD_BYTES || size % 8 != 0) {
                return false;
            }
            byte[] last = new byte[PgRecording.RECORD_BYTES];
            f.seek(size - last.length);
            f.readFully(last);
            ByteBuffer b = ByteBuffer.wrap(last).order(ByteOrder.LITTLE_ENDIAN);
            return b.getInt(0) == PgRecording.END && b.getInt(4) == 0 && b.getLong(8) == 0
                    && Arrays.equals(Arrays.copyOfRange(last, 40, 48), new byte[8]);
        } catch (IOException e) {
            return false;
        }
    }
}
