package org.allocbench.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit journal: one JSON object per line, appended and fsynced before the
 * call returns. A trial's "start" record is on disk before the child allocates
 * its first byte, so whatever kills the child, the journal still says what it
 * was running; earlier lines are never rewritten, so a crash of the parent
 * itself loses at most the line being written.
 */
public final class AuditJournal {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public AuditJournal(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends {@code record} as one line and forces it to disk. */
    public synchronized void append(Map<String, Object> record) {
        byte[] line;
        try {
            line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("journal record is not JSON-serialisable: " + record, e);
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every record, in order (a torn last line, from a crash mid-write, is skipped). */
    public List<Map<String, Object>> read() {
        List<Map<String, Object>> records = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> record = JSON.readValue(line, LinkedHashMap.class);
                    records.add(record);
                } catch (JsonProcessingException torn) {
                    // only the last line can be torn; earlier ones were fsynced whole
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit journal " + file + ": " + e.getMessage(), e);
        }
        return records;
    }

    /** A record as PostgreSQL's log_statement would show the query: compact JSON. */
    public static String describe(Map<String, Object> record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            return record.toString();
        }
    }
}
