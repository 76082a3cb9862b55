package org.allocbench.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.allocbench.nativecore.OptionalRoot;

/**
 * Where PostgreSQL 15 is: the directory with initdb, pg_ctl, postgres and
 * pg_config, and the server headers and PGXS that building the extension
 * needs. Looked for in Debian's {@code /usr/lib/postgresql/15/bin}, then the
 * PGDG RPM location {@code /usr/pgsql-15/bin}; the first that has all four
 * programs wins, and its pg_config must say version 15. The system property
 * {@value #BINDIR_PROPERTY} names the one bin directory to use instead.
 * With {@link OptionalRoot#VARIABLE} set, the two usual places are looked for
 * under that directory, so a test run can prove that everything works without
 * PostgreSQL on a machine that has it; the property is taken as given.
 *
 * @param binDir    initdb, pg_ctl, postgres and pg_config are here
 * @param version   what {@code pg_config --version} prints, e.g. {@code PostgreSQL 15.18 (Debian 15.18-0+deb12u1)}
 * @param pgxs      the PGXS makefile ({@code pg_config --pgxs})
 */
public record PgInstallation(Path binDir, String version, Path pgxs) {

    /** Replaces the search with this one bin directory. */
    public static final String BINDIR_PROPERTY = "allocbench.pg.bindir";
    /** The Debian packages this lane relies on. */
    public static final String INSTALL_COMMAND = "apt-get install postgresql-15 postgresql-server-dev-15";
    /** The programs a bin directory must have. */
    static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "postgres", "pg_config");

    public Path program(String name) {
        return binDir.resolve(name);
    }

    public Path pgConfig() {
        return program("pg_config");
    }

    /**
     * The installation, or a {@link PgUnavailableException} that says what is
     * missing and exactly how to install it.
     */
    public static PgInstallation require() {
        return find(candidates());
    }

    /** Whether {@link #require()} would succeed; {@code null} if so, else the reason. */
    public static String unavailableReason() {
        try {
            require();
            return null;
        } catch (PgUnavailableException e) {
            return e.getMessage();
        }
    }

    /** The bin directories looked in, in order. */
    static List<Path> candidates() {
        String own = System.getProperty(BINDIR_PROPERTY);
        if (own != null && !own.isBlank()) {
            return List.of(Path.of(own));
        }
        return List.of(OptionalRoot.resolve(Path.of("/usr/lib/postgresql/15/bin")),
                OptionalRoot.resolve(Path.of("/usr/pgsql-15/bin")));
    }

    /** The first candidate with all programs, version 15 and the server headers. */
    static PgInstallation find(List<Path> binDirs) {
        List<String> problems = new ArrayList<>();
        Path serverWithoutHeaders = null;
        for (Path dir : binDirs) {
            List<String> missing = PROGRAMS.stream().filter(p -> !Files.isExecutable(dir.resolve(p))).toList();
            if (!missing.isEmpty()) {
                problems.add(dir + " lacks " + String.join(", ", missing));
                continue;
            }
            String version = pgConfig(dir, "--version");
            if (!version.startsWith("PostgreSQL 15.") && !version.startsWith("PostgreSQL 15 ")) {
                problems.add(dir + " is " + (version.isEmpty() ? "an unknown version" : version) + ", not PostgreSQL 15");
                continue;
            }
            String includes = pgConfig(dir, "--includedir-server");
            String pgxs = pgConfig(dir, "--pgxs");
            if (includes.isEmpty() || !Files.isRegularFile(Path.of(includes, "postgres.h"))
                    || pgxs.isEmpty() || !Files.isRegularFile(Path.of(pgxs))) {
                serverWithoutHeaders = serverWithoutHeaders == null ? dir : serverWithoutHeaders;
                continue;
            }
            return new PgInstallation(dir, version, Path.of(pgxs));
        }
        if (serverWithoutHeaders != null) {
            // the server is there: saying "not installed" would contradict what the user sees
            throw new PgUnavailableException("PostgreSQL 15's server is installed (" + serverWithoutHeaders + ") but its"
                    + " server headers and PGXS, which building the extension needs, are not: install them with"
                    + " apt-get install postgresql-server-dev-15 (or set -D" + BINDIR_PROPERTY + "=DIR to a complete"
                    + " PostgreSQL 15 bin directory)");
        }
        throw new PgUnavailableException("PostgreSQL 15 is not installed"
                + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")") + ". Install it with: " + INSTALL_COMMAND + " (also needs gcc and make; or set -D"
                + BINDIR_PROPERTY + "=DIR to a PostgreSQL 15 bin directory)");
    }

    /** pg_config's answer to one option, trimmed; empty if it fails. */
    private static String pgConfig(Path dir, String option) {
        try {
            Process p = new ProcessBuilder(dir.resolve("pg_config").toString(), option)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
