package org.allocbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.allocbench.cli.Main;
import org.allocbench.owned.JvmLauncher;

/**
 * A second JVM running {@code allocbench} ({@link Main}) from the test class
 * path, started as allocbench starts its own ({@link JvmLauncher}; it exits
 * if this JVM dies): a real other process, for tests where two processes must
 * see the same thing (shared segments) or one must die (stale segments).
 */
public final class ChildJvm {

    /** What a finished child printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private ChildJvm() {
    }

    /** Surefire may start this JVM from a manifest-only jar; its real class path is in this property. */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Starts {@code allocbench args...}; the caller waits for or kills it. */
    public static Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** The same with these variables added to the child's environment. */
    public static Process start(Map<String, String> env, String... args) throws IOException {
        return start(builder -> builder.environment().putAll(env), args);
    }

    /** The same with the process builder set up by {@code io} (redirects, variables) before the start. */
    public static Process start(Consumer<ProcessBuilder> io, String... args) throws IOException {
        return JvmLauncher.mainClass(classPath(), Main.class).exitingWithParent().start(List.of(args), io).process();
    }

    /** Runs {@code allocbench args...} to the end (a hang fails after 10 minutes). */
    public static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** The same with these variables added to the child's environment. */
    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = start(env, args);
        if (!process.waitFor(10, TimeUnit.MINUTES)) { // only a hang
            process.destroyForcibly();
            throw new IllegalStateException("allocbench " + String.join(" ", args) + " hung (10 minutes)");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
