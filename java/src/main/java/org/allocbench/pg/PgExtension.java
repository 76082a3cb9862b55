package org.allocbench.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The allocbench_pg extension (native/pgext), built for one throwaway cluster.
 *
 * <p>PostgreSQL 15 looks for extension control files only in its own share
 * directory ({@code extension_control_path} arrived in PostgreSQL 18), so
 * {@code CREATE EXTENSION} would need a {@code make install} into the system's
 * directories. Instead, the sources travel in the jar (class-path resources
 * under {@code pgext/}), are built with PGXS into the cluster's own directory,
 * and the extension's script is run with {@code MODULE_PATHNAME} replaced by
 * the absolute path of that build: the same function, nothing installed
 * outside the throwaway directory, no root needed. ({@code make -C native/pgext
 * install} then {@code CREATE EXTENSION allocbench_pg} gives the same function
 * in any other database.)
 */
final class PgExtension {

    static final String RESOURCE_DIR = "pgext/";
    static final String SCRIPT = "allocbench_pg--1.0.sql";
    static final List<String> SOURCES = List.of("Makefile", "allocbench_pg.c", "record.c", "record_pg_format.h", "replay_tree.c", "allocbench_pg.h",
            "allocbench_pg.control", SCRIPT);
    static final String LIBRARY = "allocbench_pg.so";

    private PgExtension() {
    }

    /** Copies the sources into {@code dir} and builds them with PGXS; returns the shared library. */
    static Path build(PgInstallation pg, Path dir) {
        try {
            Files.createDirectories(dir);
            for (String name : SOURCES) {
                Files.writeString(dir.resolve(name), resource(name), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the extension's sources into " + dir, e);
        }
        try {
            PgProcesses.run(List.of("make", "-s", "-C", dir.toString(), "PG_CONFIG=" + pg.pgConfig()), dir,
                    Duration.ofMinutes(2));
        } catch (PgCommandException e) {
            throw new PgCommandException("cannot build the allocbench_pg extension (needs gcc, make and "
                    + "postgresql-server-dev-15): " + e.getMessage(), e);
        }
        Path library = dir.resolve(LIBRARY);
        if (!Files.isRegularFile(library)) {
            throw new PgCommandException("building the allocbench_pg extension made no " + library);
        }
        return library;
    }

    /** The extension's SQL script, to run over JDBC against the library at {@code library}. */
    static String createScript(Path library) {
        return createScript(resource(SCRIPT), library);
    }

    /**
     * The script as CREATE EXTENSION would run it: psql's {@code \echo} guard
     * dropped, {@code MODULE_PATHNAME} replaced by the library's path (quoted
     * for its place inside a string literal).
     */
    static String createScript(String script, Path library) {
        String path = library.toAbsolutePath().toString().replace("'", "''");
        return script.lines()
                .filter(line -> !line.startsWith("\\"))
                .map(line -> line.replace("MODULE_PATHNAME", path))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String resource(String name) {
        try (InputStream in = PgExtension.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("the extension source " + RESOURCE_DIR + name
                        + " is not on the class path (the build copies native/pgext there)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
