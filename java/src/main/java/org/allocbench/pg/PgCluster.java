package org.allocbench.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.allocbench.owned.OwnSession;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;

/**
 * A throwaway PostgreSQL 15 cluster with allocbench_replay in it.
 *
 * <p>{@link #start} makes a temporary directory, builds the extension into it
 * ({@link PgExtension}), runs initdb, configures the server to listen on
 * 127.0.0.1 only, on a free port, with its Unix socket in the same directory,
 * starts it with {@code pg_ctl -w}, connects over JDBC and creates the function.
 *
 * <p><b>Closed to everyone but the suite.</b> While a run lasts, the server's
 * superuser can run programs as the server's OS user; so no one else may log
 * in. Every connection, TCP or Unix socket, needs a password (scram-sha-256,
 * for all users and databases: initdb {@code --auth=scram-sha-256}); the
 * password is 32 random bytes made for this cluster, held in this object only.
 * It reaches initdb in a file ({@code --pwfile}: mode 0600 in the 0700 cluster
 * directory, deleted as soon as initdb is done) and the server in JDBC's
 * connection properties: never on a command line, in the environment, in a
 * log or in a message. The directory (data, socket, log) is 0700, so other
 * users cannot even reach the socket. {@link #close} (also after a failed start, and from a JVM
 * shutdown hook if the program ends without closing) stops the server with
 * {@code pg_ctl stop -m fast} and removes the directory. As root the server
 * runs as the OS user {@code postgres} ({@link PgProcesses}).
 */
public final class PgCluster implements AutoCloseable {

    /** The database superuser initdb creates (whatever the OS user). */
    static final String DB_USER = "allocbench";
    private static final Duration PROGRAM_TIMEOUT = Duration.ofMinutes(2);
    private static final int START_ATTEMPTS = 3;

    private final PgInstallation pg;
    private final Path root;
    private final Path dataDir;
    /** This cluster's only way in; see the class comment. Never printed. */
    private final String password = randomPassword();
    private final Thread shutdownHook;
    private Path library;
    private Path passFile;
    private int port;
    private boolean serverStarted;
    private Connection connection;
    private boolean closed;

    private PgCluster(PgInstallation pg, Path root) {
        this.pg = pg;
        this.root = root;
        this.dataDir = root.resolve("data");
        this.shutdownHook = new Thread(() -> stopAndRemove(false), "allocbench-pg-cluster-cleanup");
    }

    /** Starts a cluster of the installation found on this machine ({@link PgInstallation#require()}). */
    public static PgCluster start() {
        return start(PgInstallation.require());
    }

    public static PgCluster start(PgInstallation pg) {
        Path root;
        try {
            root = Files.createTempDirectory(clusterParent(), "allocbench-pg-");
            Ownership.claim(new Resource.TempDir(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster's temporary directory", e);
        }
        PgCluster cluster = new PgCluster(pg, root);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.setUp();
            return cluster;
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Where the cluster's directory goes: java.io.tmpdir, unless we are root and the
     * server's user could not reach it (a private temporary directory, mode 0700
     * somewhere up the path): then /tmp, which every user can traverse.
     */
    static Path clusterParent() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (!PgProcesses.runningAsRoot() || othersCanTraverse(tmp)) {
            return tmp;
        }
        return Path.of("/tmp");
    }

    private static boolean othersCanTraverse(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
    }

    private void setUp() {
        library = PgExtension.build(pg, root.resolve("ext"));
        PgProcesses.handToServerUser(root);
        Path pwfile = writePasswordFile();
        try {
            PgProcesses.run(OwnSession.wrap(PgProcesses.asServerUser(List.of(pg.program("initdb").toString(),
                    "-D", dataDir.toString(), "--auth=scram-sha-256", "--pwfile=" + pwfile, "--username=" + DB_USER,
                    "--encoding=UTF8", "--locale=C", "--no-sync")), true), root, PROGRAM_TIMEOUT);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException e) {
                // inside the 0700 directory, which goes away with the cluster
            }
        }
        writeAccessRules();
        startServer();
        connection = connect();
        try (Statement s = connection.createStatement()) {
            s.execute(PgExtension.createScript(library));
        } catch (SQLException e) {
            throw new PgCommandException("cannot create allocbench_replay from " + library + ": " + e.getMessage(), e);
        }
    }

    /** The password for initdb, in a file only the server's user can read (the directory is 0700 too). */
    private Path writePasswordFile() {
        Path file = root.resolve("pwfile");
        try {
            Files.writeString(file, password + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            PgProcesses.handToServerUser(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster's password file in " + root + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * pg_hba.conf with the suite's role alone, with its password, over the socket and 127.0.0.1 (initdb's file
     * also lets in every role, replication and ::1).
     */
    private void writeAccessRules() {
        String rules = "# allocbench throwaway cluster: the suite's role only, always with its password\n"
                + "local all " + DB_USER + " scram-sha-256\n"
                + "host all " + DB_USER + " 127.0.0.1/32 scram-sha-256\n";
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), rules, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve("pg_hba.conf") + ": " + e.getMessage(), e);
        }
    }

    /** pg_ctl start on a free port; another try on another port if that one was taken meanwhile. */
    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            writeConfiguration();
            Ownership.claim(serverResource());
            try {
                PgProcesses.run(PgProcesses.asServerUser(List.of(pg.program("pg_ctl").toString(), "-D",
                        dataDir.toString(), "-l", log().toString(), "-w", "-t", "60", "start")), root,
                        PROGRAM_TIMEOUT);
                serverStarted = true;
                return;
            } catch (PgCommandException e) {
                // pg_ctl gave up waiting but a postmaster may be up: close() must stop it then
                serverStarted = Files.exists(dataDir.resolve("postmaster.pid"));
                String log = readLog();
                if (attempt < START_ATTEMPTS && log.contains("could not bind")) {
                    continue;
                }
                throw new PgCommandException(e.getMessage() + "\nserver log:\n" + log.strip(), e);
            }
        }
    }

    /** Our settings, last in postgresql.conf (later lines win); a retry's lines override the earlier try's. */
    private void writeConfiguration() {
        String settings = "\n# allocbench throwaway cluster\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + root.toString().replace("'", "''") + "'\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "unix_socket_permissions = 0700\n"
                + "fsync = off\n"
                + "max_connections = 10\n";
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure the cluster in " + dataDir, e);
        }
    }

    private Connection connect() {
        Properties props = new Properties();
        props.setProperty("user", DB_USER);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "allocbench");
        try {
            return DriverManager.getConnection(jdbcUrl(), props);
        } catch (SQLException e) {
            throw new PgCommandException("cannot connect to the throwaway cluster at " + jdbcUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The allocbench_pg library built for this cluster (absolute path). */
    public Path extensionLibrary() {
        return library.toAbsolutePath();
    }

    /**
     * Runs a client program of the installation ({@code psql}, {@code pgbench}: {@code command}'s first element
     * names it) against this cluster as the suite's role, over TCP to 127.0.0.1, database postgres; its
     * {@code PGOPTIONS} (settings for the session's backend) are {@code sessionOptions}, or none if null.
     * The password reaches the client in a 0600 password file in the cluster's directory ({@code PGPASSFILE}),
     * never on its command line or in its environment. Returns the program's output (and errors).
     */
    public String runClient(List<String> command, String sessionOptions, Duration timeout) {
        List<String> full = new java.util.ArrayList<>(command);
        full.set(0, pg.program(command.get(0)).toString());
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", DB_USER);
        env.put("PGDATABASE", "postgres");
        env.put("PGPASSFILE", passFile().toString());
        if (sessionOptions != null) {
            env.put("PGOPTIONS", sessionOptions);
        }
        return PgProcesses.run(full, root, timeout, env);
    }

    private synchronized Path passFile() {
        if (passFile == null) {
            Path file = root.resolve("client.pgpass");
            try {
                Files.writeString(file, "127.0.0.1:" + port + ":*:" + DB_USER + ":" + password + "\n",
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the client's password file in " + root, e);
            }
            passFile = file;
        }
        return passFile;
    }

    /** The open JDBC connection (as the superuser {@value #DB_USER}, database postgres). */
    public Connection connection() {
        if (closed) {
            throw new IllegalStateException("the cluster is closed");
        }
        return connection;
    }

    /** For the tests that prove the cluster closed (this package's only): the password. */
    String password() {
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    /** The temporary directory holding the data directory, the socket, the log and the extension build. */
    public Path directory() {
        return root;
    }

    public PgInstallation installation() {
        return pg;
    }

    /** What the server says it is: {@code SELECT version()}. */
    public String serverVersion() {
        try (Statement s = connection().createStatement(); var rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new PgCommandException("SELECT version() failed: " + e.getMessage(), e);
        }
    }

    /** Stops the server and removes the directory; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it does the same, once more is harmless
        }
        stopAndRemove(true);
    }

    /**
     * Closes the connection (first only if {@code closeConnectionFirst}: a
     * shutdown hook may run while the main thread waits in a query, and
     * closing the connection would then wait for that query; stopping the
     * server ends it instead), stops the server, removes the directory.
     */
    private synchronized void stopAndRemove(boolean closeConnectionFirst) {
        RuntimeException failure = null;
        if (closeConnectionFirst) {
            closeConnection();
        }
        if (serverStarted) {
            try {
                PgProcesses.run(PgProcesses.asServerUser(List.of(pg.program("pg_ctl").toString(), "-D",
                        dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop")), root, PROGRAM_TIMEOUT);
                serverStarted = false;
                Ownership.release(serverResource());
            } catch (PgCommandException e) {
                // no server answered (killed?): what it left (shared memory) is freed the reaper's way
                try {
                    Ownership.reclaimNow(serverResource());
                    serverStarted = false;
                } catch (RuntimeException reclaimFailed) {
                    failure = e;
                }
            }
        }
        closeConnection();
        try {
            deleteTree(root);
            if (!serverStarted) {
                Ownership.release(serverResource());
            }
            Ownership.release(new Resource.TempDir(root));
        } catch (IOException e) {
            UncheckedIOException u = new UncheckedIOException("cannot remove " + root, e);
            if (failure != null) {
                failure.addSuppressed(u);
            } else {
                failure = u;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the server is going away anyway
            }
            connection = null;
        }
    }

    /** The server as the owner record lists it: what a reaper stops if this process dies without closing. */
    private Resource.PgServer serverResource() {
        return new Resource.PgServer(dataDir, pg.program("pg_ctl"),
                PgProcesses.runningAsRoot() ? PgProcesses.SERVER_USER : "");
    }

    private Path log() {
        return root.resolve("server.log");
    }

    private String readLog() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "(no server log)";
        } catch (IOException e) {
            return "(server log unreadable: " + e.getMessage() + ")";
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
