package org.allocbench.pg;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.allocbench.nativecore.GlibcMalloc;

/**
 * Runs the server's programs as the right OS user. initdb and postgres refuse
 * to run as root: as root they run as {@value #SERVER_USER} (through
 * {@code runuser}), over a directory tree chowned to that user; otherwise as
 * the current user. PG* variables of our own environment (PGDATA, PGPORT, ...)
 * are not passed on, so only the arguments decide.
 */
final class PgProcesses {

    /** The OS user the server runs as when we are root (Debian's packages create it). */
    static final String SERVER_USER = "postgres";

    private PgProcesses() {
    }

    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The command as the server's user would run it: behind {@code runuser -u postgres --} when root. */
    static List<String> asServerUser(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SERVER_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Runs a command in {@code workDir}, output and errors together; returns
     * the output, or throws with it if the command fails or outlives the timeout.
     */
    static String run(List<String> command, Path workDir, Duration timeout) {
        return run(command, workDir, timeout, java.util.Map.of());
    }

    /** As {@link #run(List, Path, Duration)}, with these variables added to the environment. */
    static String run(List<String> command, Path workDir, Duration timeout, java.util.Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
        builder.environment().putAll(env);
        // their temporary files (gcc's, building the extension) in the cluster's directory, and gone with it
        builder.environment().put("TMPDIR", workDir.toAbsolutePath().toString());
        // the server's backends get glibc's malloc thresholds pinned, as every process the suite measures in
        GlibcMalloc.environment(builder.environment());
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new PgCommandException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            // drained on another thread so a timeout can still be noticed while the pipe stays open
            CompletableFuture<String> output = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    output.complete(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.complete("(output unreadable: " + e.getMessage() + ")");
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new PgCommandException(String.join(" ", command) + " did not finish within " + timeout);
            }
            String out = output.get(10, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                throw new PgCommandException(String.join(" ", command) + " failed with exit status "
                        + process.exitValue() + ":\n" + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PgCommandException("interrupted while running " + String.join(" ", command), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PgCommandException("cannot read the output of " + String.join(" ", command), e);
        }
    }

    /** When root: hands the whole tree to the server's user (owner and primary group). */
    static void handToServerUser(Path root) {
        if (!runningAsRoot()) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
            var user = lookup.lookupPrincipalByName(SERVER_USER);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(SERVER_USER);
            try (Stream<Path> tree = Files.walk(root)) {
                for (Path p : (Iterable<Path>) tree::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                    view.setOwner(user);
                    view.setGroup(group);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + root + " to the OS user " + SERVER_USER
                    + " (initdb and postgres refuse to run as root; the user comes with Debian's postgresql-15)", e);
        }
    }
}
