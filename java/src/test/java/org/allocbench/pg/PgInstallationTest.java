package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgInstallationTest {

    @Test
    void missingProgramsAreNamedWithTheInstallCommand(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("initdb"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        PgUnavailableException e = assertThrows(PgUnavailableException.class,
                () -> PgInstallation.find(List.of(dir)));
        assertTrue(e.getMessage().contains(dir + " lacks pg_ctl, postgres, pg_config"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install postgresql-15 postgresql-server-dev-15"), e.getMessage());
    }

    @Test
    void anotherVersionIsRefused(@TempDir Path dir) throws Exception {
        fakePrograms(dir, "PostgreSQL 16.4");
        PgUnavailableException e = assertThrows(PgUnavailableException.class,
                () -> PgInstallation.find(List.of(dir)));
        assertTrue(e.getMessage().contains(dir + " is PostgreSQL 16.4, not PostgreSQL 15"), e.getMessage());
    }

    @Test
    void aServerWithoutHeadersIsNotCalledMissing(@TempDir Path dir) throws Exception {
        // pg_config answers every option with the version; no include directory has postgres.h
        fakePrograms(dir, "PostgreSQL 15.18");
        PgUnavailableException e = assertThrows(PgUnavailableException.class,
                () -> PgInstallation.find(List.of(dir)));
        assertTrue(e.getMessage().startsWith("PostgreSQL 15's server is installed (" + dir + ") but its server"
                + " headers and PGXS, which building the extension needs, are not: install them with apt-get install"
                + " postgresql-server-dev-15"), e.getMessage());
    }

    @Test
    void noCandidatesAtAll() {
        PgUnavailableException e = assertThrows(PgUnavailableException.class, () -> PgInstallation.find(List.of()));
        assertEquals("PostgreSQL 15 is not installed. Install it with: apt-get install postgresql-15"
                + " postgresql-server-dev-15 (also needs gcc and make; or set -Dallocbench.pg.bindir=DIR to a"
                + " PostgreSQL 15 bin directory)", e.getMessage());
    }

    /** Every program PgInstallation looks for, in {@code dir}: a script that prints {@code version}. */
    private static void fakePrograms(Path dir, String version) throws Exception {
        for (String p : PgInstallation.PROGRAMS) {
            Path file = dir.resolve(p);
            Files.writeString(file, "#!/bin/sh\necho '" + version + "'\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
