package org.allocbench.owned;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.allocbench.nativecore.GlibcMalloc;

/**
 * The one way the suite starts a JVM of its own: a gate's fork, a per-op lane's
 * worker, a memory cell, the reaper (and the tests' second allocbench). Every
 * such JVM gets
 * <ul>
 * <li>the java this JVM runs on (so the same JDK, whatever PATH says);</li>
 * <li>{@link #JVM_OPTIONS}, which FFM and JMH need on every allocbench JVM;</li>
 * <li>glibc's tunables in its environment ({@link GlibcMalloc#environment}):
 *     the user's own values kept, the suite's pinned malloc thresholds and
 *     jemalloc's static TLS added;</li>
 * <li>a temporary directory, always named on its command line: this JVM's
 *     ({@code java.io.tmpdir}), so whatever the child extracts (the native
 *     library) lands where this JVM's files land, normally the command's
 *     private directory ({@link PrivateTemp}); or, for a child that is itself
 *     an allocbench command ({@link #withOwnTemporaryDirectory}), a new
 *     claimed one below it, because such a child adopts the directory it is
 *     given and removes it as it ends, which must not be this JVM's.</li>
 * </ul>
 * What the main class is, is the caller's to say ({@link #mainClass} with a
 * class, {@link #jar} with another build's jar): a lower package never names a
 * higher one's class, not even in a string.
 */
public final class JvmLauncher {

    /** What every allocbench JVM needs: native access for FFM, JMH's Unsafe warning off on JDK 25. */
    public static final List<String> JVM_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    private static final String TMPDIR = "-Djava.io.tmpdir=";

    private final List<String> program;
    private final List<String> extraOptions;
    private final boolean inheritOptions;
    private final boolean ownTemporaryDirectory;
    private final boolean exitWithParent;
    private final boolean ownSession;

    private JvmLauncher(List<String> program, List<String> extraOptions, boolean inheritOptions,
            boolean ownTemporaryDirectory, boolean exitWithParent, boolean ownSession) {
        this.program = List.copyOf(program);
        this.extraOptions = List.copyOf(extraOptions);
        this.inheritOptions = inheritOptions;
        this.ownTemporaryDirectory = ownTemporaryDirectory;
        this.exitWithParent = exitWithParent;
        this.ownSession = ownSession;
    }

    /** {@code main} on this JVM's class path. */
    public static JvmLauncher mainClass(Class<?> main) {
        return mainClass(System.getProperty("java.class.path"), main);
    }

    /** {@code main} on {@code classPath}. */
    public static JvmLauncher mainClass(String classPath, Class<?> main) {
        return new JvmLauncher(List.of("-cp", classPath, main.getName()), List.of(), false, false, false, false);
    }

    /** The jar's own main class ({@code java -jar}): another build of allocbench, say. */
    public static JvmLauncher jar(Path jar) {
        return new JvmLauncher(List.of("-jar", jar.toAbsolutePath().toString()), List.of(), false, false, false,
                false);
    }

    /** This build: the jar {@code main} was loaded from, or {@code main} on this class path when run from classes. */
    public static JvmLauncher self(Class<?> main) {
        Path jar = jarOf(main);
        return jar != null ? jar(jar) : mainClass(main);
    }

    /** Where {@link #self} runs from, for people: the jar, or "this build (classes)". */
    public static String describeSelf(Class<?> main) {
        Path jar = jarOf(main);
        return jar != null ? jar.toString() : "this build (classes)";
    }

    private static Path jarOf(Class<?> main) {
        try {
            var source = main.getProtectionDomain().getCodeSource();
            Path location = source == null ? null : Path.of(source.getLocation().toURI());
            return location != null && Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Also this JVM's own options (heap, -D...), for a worker that must run as this JVM does. */
    public JvmLauncher inheritingJvmOptions() {
        return new JvmLauncher(program, extraOptions, true, ownTemporaryDirectory, exitWithParent, ownSession);
    }

    /** Also these JVM options (after the common ones). */
    public JvmLauncher withJvmOptions(List<String> options) {
        List<String> all = new ArrayList<>(extraOptions);
        all.addAll(options);
        return new JvmLauncher(program, all, inheritOptions, ownTemporaryDirectory, exitWithParent, ownSession);
    }

    /** A new claimed temporary directory for the child (see the class comment), removed by {@link Child#close}. */
    public JvmLauncher withOwnTemporaryDirectory() {
        return new JvmLauncher(program, extraOptions, inheritOptions, true, exitWithParent, ownSession);
    }

    /**
     * An allocbench command that exits when this JVM does ({@link ParentWatch#ENV}): it watches its standard
     * input, so the caller leaves that a pipe it never closes.
     */
    public JvmLauncher exitingWithParent() {
        return new JvmLauncher(program, extraOptions, inheritOptions, ownTemporaryDirectory, true, ownSession);
    }

    /** In a session of its own ({@link OwnSession}): a signal to this process group does not reach it. */
    public JvmLauncher inOwnSession() {
        return new JvmLauncher(program, extraOptions, inheritOptions, ownTemporaryDirectory, exitWithParent, true);
    }

    /** The java executable of this JVM. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The command line that runs the program with {@code args}, its temporary directory {@code tmp}: java, the
     * temporary directory, the common options (unless inherited ones already set them), the inherited ones,
     * the extra ones, then the program.
     */
    List<String> command(Path tmp, List<String> args) {
        List<String> inherited = inheritOptions ? inheritedOptions() : List.of();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add(TMPDIR + tmp);
        for (String option : JVM_OPTIONS) {
            String key = option.substring(0, option.indexOf('=') + 1);
            if (inherited.stream().noneMatch(o -> o.startsWith(key))) {
                cmd.add(option);
            }
        }
        cmd.addAll(inherited);
        cmd.addAll(extraOptions);
        cmd.addAll(program);
        cmd.addAll(args);
        return ownSession ? OwnSession.wrap(cmd, false) : cmd;
    }

    /** This JVM's options, but not a debugger's or an agent's (coverage), nor its temporary directory. */
    private static List<String> inheritedOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent:") && !a.startsWith(TMPDIR))
                .toList();
    }

    /**
     * Starts the program with {@code args}; {@code io} sets up the rest of the builder first (redirects, more
     * variables: the suite's tunables are then merged into the GLIBC_TUNABLES it leaves). A start that fails
     * removes what the launch made and says what it ran.
     */
    public Child start(List<String> args, Consumer<ProcessBuilder> io) throws IOException {
        Path own;
        try {
            own = ownTemporaryDirectory ? PrivateTemp.forChild() : null;
        } catch (IOException e) {
            throw new IOException("cannot create a temporary directory for a child JVM: " + e.getMessage(), e);
        }
        List<String> command = command(own != null ? own : Path.of(System.getProperty("java.io.tmpdir")), args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            io.accept(builder);
            GlibcMalloc.environment(builder.environment());
            if (exitWithParent) {
                builder.environment().put(ParentWatch.ENV, "1");
            }
            return new Child(builder.start(), command, own);
        } catch (IOException | RuntimeException e) {
            PrivateTemp.delete(own);
            if (e instanceof IOException) {
                throw new IOException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * A started JVM, its command line (for messages) and its own temporary directory, if it was given one.
     * {@link #close} kills it if it still runs and removes that directory (an allocbench command removes
     * its own as it ends; an older build, or one killed, may not).
     */
    public record Child(Process process, List<String> command, Path temporaryDirectory) implements AutoCloseable {

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            PrivateTemp.delete(temporaryDirectory);
        }
    }
}
