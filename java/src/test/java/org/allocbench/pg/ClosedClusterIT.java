package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The throwaway cluster lets in the suite and no one else: no password or a
 * wrong one is refused over TCP and the Unix socket, another OS user cannot
 * reach it at all, and the password is in no command line, log or file.
 */
class ClosedClusterIT {

    @RegisterExtension
    static final ThrowawayCluster CLUSTER = new ThrowawayCluster();

    private static PgCluster cluster() {
        return CLUSTER.get();
    }

    @Test
    void theSuitesConnectionWorks() {
        assertTrue(cluster().serverVersion().startsWith("PostgreSQL 15"));
    }

    @Test
    void noPasswordAndAWrongOneAreRefusedOverTcp() {
        SQLException none = assertThrows(SQLException.class, () -> connect(cluster().jdbcUrl(), null));
        assertTrue(none.getMessage().contains("password"), none.getMessage());
        SQLException wrong = assertThrows(SQLException.class, () -> connect(cluster().jdbcUrl(), "guess"));
        assertTrue(wrong.getMessage().contains("password authentication failed"), wrong.getMessage());
    }

    @Test
    void theUnixSocketAsksForThePasswordToo() throws Exception {
        // psql as the suite's own OS user (as root: as the server's user, who can reach the 0700 directory)
        PsqlResult r = psql(PgProcesses.runningAsRoot() ? PgProcesses.SERVER_USER : null,
                cluster().directory().toString());
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("password"), r.output);
    }

    @Test
    void anotherOsUserCannotConnect() throws Exception {
        Assumptions.assumeTrue(PgProcesses.runningAsRoot(), "skipped: running a client as another OS user (nobody)"
                + " needs root");
        PsqlResult tcp = psql("nobody", "127.0.0.1");
        assertNotEquals(0, tcp.exit, tcp.output);
        assertTrue(tcp.output.contains("password"), tcp.output);
        PsqlResult socket = psql("nobody", cluster().directory().toString());
        assertNotEquals(0, socket.exit, socket.output);
        assertTrue(socket.output.contains("Permission denied") || socket.output.contains("password"), socket.output);
    }

    @Test
    void thePasswordIsInNoCommandLineLogOrFile() throws Exception {
        String password = cluster().password();
        assertEquals(64, password.length());
        ProcessHandle.allProcesses().forEach(p -> assertFalse(
                p.info().commandLine().orElse("").contains(password), "on the command line of " + p.pid()));
        try (var files = Files.walk(cluster().directory())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f) && Files.size(f) < (64 << 20)) {
                    assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(password),
                            "in " + f);
                }
            }
        }
        assertFalse(Files.exists(cluster().directory().resolve("pwfile")), "the password file outlived initdb");
        String hba = Files.readString(cluster().directory().resolve("data/pg_hba.conf"));
        assertFalse(hba.contains("trust") || hba.contains("replication") || hba.contains("::1"), hba);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster().directory())));
    }

    private static void connect(String url, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", PgCluster.DB_USER);
        if (password != null) {
            props.setProperty("password", password);
        }
        DriverManager.getConnection(url, props).close();
    }

    private record PsqlResult(int exit, String output) {
    }

    /** psql (no password prompt) as {@code osUser} (null: this process's user) to {@code host}: TCP or a socket dir. */
    private static PsqlResult psql(String osUser, String host) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (osUser != null) {
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.addAll(List.of(cluster().installation().program("psql").toString(), "-w", "-h", host, "-p",
                Integer.toString(cluster().port()), "-U", PgCluster.DB_USER, "-d", "postgres", "-c", "SELECT 1"));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new java.io.File("/"));
        b.environment().keySet().removeIf(k -> k.startsWith("PG"));
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new PsqlResult(p.waitFor(), out);
    }
}
