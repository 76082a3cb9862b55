package org.allocbench.results;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Reading and writing run directories. {@link #write} replaces results.json
 * atomically (a temporary file, fsync, rename), so a reader, or a run killed
 * mid-write, only ever sees a complete earlier or later version: results are
 * written after every cell and none finished is lost.
 */
public final class ResultsStore {

    public static final String RESULTS_FILE = "results.json";
    /** Where runs go by default: bench-results/runs/ under the working directory. */
    public static final Path DEFAULT_BASE = Path.of("bench-results", "runs");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // minor versions may add fields
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'")
            .withZone(ZoneOffset.UTC);

    private ResultsStore() {
    }

    /** The JSON mapper every reader and writer of results shares. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** {@code value} as JSON on one line (for a line-based protocol between processes). */
    public static String oneLine(Object value) throws java.io.IOException {
        return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    /** A new, empty run directory {@code base/<UTC time>-<campaign>}; never reuses an existing one. */
    public static Path newRunDirectory(Path base, String campaign, Instant now) {
        String stem = ID_TIME.format(now) + "-" + campaign.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            Files.createDirectories(base);
            for (int n = 0; ; n++) {
                Path dir = base.resolve(n == 0 ? stem : stem + "-" + n);
                try {
                    return Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    // two runs in the same second: next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + base + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path runDirectory, RunResults results) {
        Path target = runDirectory.resolve(RESULTS_FILE);
        Path temp = runDirectory.resolve(RESULTS_FILE + ".tmp");
        try {
            Files.write(temp, JSON.writeValueAsBytes(results));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp); // a full disk must not leave half a file beside the whole one
            } catch (IOException ignored) {
                // the message below says what went wrong first
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a run: a run directory or a results.json path. Errors name the file
     * and the problem (missing, not JSON, another schema).
     */
    public static RunResults read(Path runDirectoryOrFile) {
        Path file = Files.isDirectory(runDirectoryOrFile) ? runDirectoryOrFile.resolve(RESULTS_FILE) : runDirectoryOrFile;
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": no readable " + RESULTS_FILE + " there (a run directory of"
                    + " allocbench run, or its results.json)");
        }
        RunResults results;
        try {
            results = JSON.readValue(file.toFile(), RunResults.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a valid results file: " + jsonProblem(e), e);
        }
        if (results == null) {
            throw new IllegalArgumentException(file + ": not a valid results file: the document is null, not an"
                    + " object");
        }
        if (results.schema() == null || !results.schema().startsWith("allocbench-results/1")) {
            throw new IllegalArgumentException(file + ": schema \"" + results.schema() + "\" is not "
                    + RunResults.SCHEMA + " (written by another allocbench version)");
        }
        List<Cell> cells = results.cells();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            // every reader matches cells by these and sorts them by status: a null would fail far from here
            String missing = c.allocator() == null ? "allocator" : c.trace() == null ? "trace"
                    : c.metric() == null ? "metric" : c.status() == null ? "status" : null;
            if (missing != null) {
                throw new IllegalArgumentException(file + ": not a valid results file: cells[" + i + "]." + missing
                        + " is missing or null");
            }
        }
        return results.withScaleOfOlderSchema();
    }

    /** Where in the document and what: "cells[2].samples: expected a list (line 40, column 18)", no Java types. */
    private static String jsonProblem(IOException e) {
        if (!(e instanceof JsonProcessingException j)) {
            return e.getMessage();
        }
        StringBuilder where = new StringBuilder();
        if (j instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    where.append(where.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    where.append('[').append(r.getIndex()).append(']');
                }
            }
        }
        String what;
        if (j instanceof ValueInstantiationException && j.getCause() instanceof IllegalArgumentException bad) {
            // the model's own check, e.g. "samples[3] is null": a field of the object at the path
            return (where.isEmpty() ? "" : where + ".") + bad.getMessage() + location(j);
        } else if (j instanceof ValueInstantiationException) {
            what = "a required value is null or missing";
        } else if (j instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            what = "expected " + kind(mismatch.getTargetType());
        } else {
            // the parser's words, with its "[Source: ...; line: 1, column: 47]" made plain
            what = j.getOriginalMessage().replaceAll("\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]",
                    "line $1, column $2");
        }
        return (where.isEmpty() ? "" : where + ": ") + what + location(j);
    }

    private static String location(JsonProcessingException j) {
        JsonLocation at = j.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ")";
    }

    private static String kind(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }
}
