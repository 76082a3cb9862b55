package org.allocbench.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.allocbench.owned.JvmLauncher;

/**
 * One {@link MemoryCell} in a fresh JVM ({@link JvmLauncher}: this JVM's java,
 * the common flags and glibc's tunables; not this JVM's heap options, which
 * would change the figures), its one JSON line read back. A cell that fails
 * (a non-zero exit, a timeout, no result line) is an {@link Outcome} with the
 * reason and the tail of the child's stderr, never an exception, so the
 * other cells go on.
 */
public final class MemoryCellProcess {

    /** Lines of the child's stderr a failure carries. */
    private static final int STDERR_TAIL = 15;

    /** A cell's outcome: the result, or why there is none. */
    public record Outcome(MemoryCellResult result, String failure, String notRun) {

        public Outcome(MemoryCellResult result, String failure) {
            this(result, failure, null);
        }
    }

    private MemoryCellProcess() {
    }

    /** Runs one cell in a fresh JVM on {@code classPath}; never throws for a failing cell. */
    public static Outcome run(String classPath, String allocator, String pattern, int ops, long seed, String touch,
            Duration timeout) {
        return run(classPath, allocator, pattern, null, ops, seed, touch, timeout);
    }

    /**
     * As above; {@code trace} is a built-in name or a file's path ({@code Workload.spec()}), and
     * {@code sha256} the file's digest the child checks after re-reading it (null for a built-in).
     */
    public static Outcome run(String classPath, String allocator, String trace, String sha256, int ops, long seed,
            String touch, Duration timeout) {
        String pattern = trace;
        Path errFile = null;
        Process p = null;
        try {
            errFile = Files.createTempFile("allocbench-memory-cell", ".err");
            Path stderr = errFile;
            p = JvmLauncher.mainClass(classPath, MemoryCell.class).start(sha256 == null
                    ? List.of(allocator, pattern, Integer.toString(ops), Long.toString(seed), touch)
                    : List.of(allocator, pattern, Integer.toString(ops), Long.toString(seed), touch, sha256), builder -> builder
                            .redirectError(stderr.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())))
                    .process();
            Process child = p;
            // stdout is one short line; read it on a thread so the timeout below still holds
            var stdout = new CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    stdout.complete(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    stdout.completeExceptionally(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(null, "timed out after " + timeout.toSeconds() + " s" + tail(errFile));
            }
            String output = stdout.get(10, TimeUnit.SECONDS);
            if (p.exitValue() == MemoryCell.NOT_APPLICABLE_EXIT) {
                String reason = output.lines().filter(l -> l.startsWith(MemoryCell.NOT_RUN_MARK))
                        .map(l -> l.substring(MemoryCell.NOT_RUN_MARK.length())).findFirst().orElse(null);
                if (reason != null) {
                    return new Outcome(null, null, reason);
                }
            }
            if (p.exitValue() != 0) {
                return new Outcome(null, "exit " + p.exitValue() + tail(errFile));
            }
            String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (line == null) {
                return new Outcome(null, "no result line on stdout" + tail(errFile));
            }
            return new Outcome(MemoryCellResult.fromJson(line), null);
        } catch (Exception e) {
            if (p != null) {
                p.destroyForcibly();
            }
            return new Outcome(null, e.toString() + (errFile != null ? tail(errFile) : ""));
        } finally {
            if (errFile != null) {
                try {
                    Files.deleteIfExists(errFile);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The last lines of the child's stderr, for a failure message. */
    private static String tail(Path errFile) {
        try {
            List<String> lines = Files.readAllLines(errFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return " (stderr empty)";
            }
            return "; stderr tail:\n    " + String.join("\n    ",
                    lines.subList(Math.max(0, lines.size() - STDERR_TAIL), lines.size()));
        } catch (IOException e) {
            return " (stderr unreadable: " + e.getMessage() + ")";
        }
    }
}
