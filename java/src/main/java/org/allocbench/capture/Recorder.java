package org.allocbench.capture;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.owned.Resource;

/**
 * {@code allocbench record}'s work: runs a command with {@code liballocbench-record.so} preloaded (its
 * {@code LD_PRELOAD} prepended, the recorder's variables set), converts what it recorded into a version 2
 * trace ({@link TraceConverter}), and, if asked, runs the command once more without the library to time
 * it (the recording's overhead). The library and the raw files live in a private temporary directory of
 * this process ({@link PrivateTemp}), removed when the conversion is done (by the reaper if this JVM is
 * killed).
 *
 * <p>Which process is converted: the command's own process, in its last image (a program it execs in its
 * place records anew; see native/record/ab_record.c). Processes it forks are not recorded.
 */
public final class Recorder {

    /** The capture library's name in the jar and the build. */
    public static final String LIBRARY = "liballocbench-record.so";
    static final String DIRECTORY_PREFIX = "allocbench-record-";
    static final String ENV_DIR = "ALLOCBENCH_RECORD_DIR";
    static final String ENV_PARENT = "ALLOCBENCH_RECORD_PARENT";
    private static final Pattern RAW_NAME = Pattern.compile("rec-(\\d+)-(\\d+)\\.raw");

    private Recorder() {
    }

    /** Where a run's standard streams go. */
    public record Streams(Redirect in, Redirect out, Redirect err) {
        /** The command's streams are this process's own (what the CLI does). */
        public static Streams inherit() {
            return new Streams(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT);
        }

        /** The baseline run's: nothing in, nothing kept. */
        static Streams discard() {
            return new Streams(Redirect.from(new File("/dev/null")), Redirect.DISCARD, Redirect.DISCARD);
        }
    }

    /** One run of the command: its process id, its exit status (128 + N if signal N ended it) and wall time. */
    public record Run(long pid, int exitStatus, long wallNanos) {
    }

    /** Another image that recorded (an exec chain's earlier programs), not converted. */
    public record Image(int pid, int generation, String executable, long records) {
    }

    /**
     * What {@link #record} did.
     *
     * @param recorded   the run with the library
     * @param conversion the trace written
     * @param others     other recorded images, not converted
     * @param baseline   the run without the library, or null if none was asked for
     */
    public record Result(Run recorded, Conversion conversion, List<Image> others, Run baseline) {
    }

    /** A failure the user must see as one line (command cannot start, nothing recorded). */
    public static final class RecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RecordException(String message) {
            super(message);
        }
    }

    /**
     * Records {@code command} into {@code output} (gzip if it ends in .gz), with {@code streams} for the
     * recorded run; then, if {@code baseline}, runs it again without the library, its output discarded.
     * The raw recording (32 bytes per call) and the trace's body go into a private directory under
     * {@code rawParent}, or under the temporary directory if it is null.
     */
    public static Result record(List<String> command, Path output, Streams streams, boolean baseline,
            Path rawParent) throws IOException {
        Path dir = PrivateTemp.directory(DIRECTORY_PREFIX);
        Path rawDir = null;
        Run recorded;
        Conversion conversion;
        List<Image> others = new ArrayList<>();
        try {
            Path library = BundledFiles.copy(LIBRARY, dir, false).toAbsolutePath();
            String path = library.toString();
            if (path.contains(" ") || path.contains(":")) {
                // LD_PRELOAD separates names by spaces and colons and has no quoting
                throw new RecordException("cannot preload " + path + ": LD_PRELOAD cannot name a path with a"
                        + " space or colon (start allocbench with -Djava.io.tmpdir=DIR on a plainer path)");
            }
            rawDir = rawParent == null ? null : privateDirectoryIn(rawParent);
            Path raw = rawDir != null ? rawDir : Files.createDirectory(dir.resolve("raw"));
            ProcessBuilder builder = builder(command, streams);
            Map<String, String> env = builder.environment();
            String existing = env.get("LD_PRELOAD");
            env.put("LD_PRELOAD", existing == null || existing.isBlank() ? path : path + " " + existing);
            env.put(ENV_DIR, raw.toString());
            env.put(ENV_PARENT, Long.toString(ProcessHandle.current().pid()));
            recorded = run(builder, command);
            conversion = convert(raw, output, command, others, raw, recorded);
        } finally {
            PrivateTemp.delete(rawDir);
            PrivateTemp.delete(dir);
        }
        Run base = baseline ? run(builder(command, Streams.discard()), command) : null;
        return new Result(recorded, conversion, others, base);
    }

    /** A new directory of this process's own ({@code rwx------}) in {@code parent}, claimed for the reaper. */
    private static Path privateDirectoryIn(Path parent) throws IOException {
        Path dir = Files.createTempDirectory(parent, DIRECTORY_PREFIX,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Ownership.claim(new Resource.TempDir(dir.toAbsolutePath()));
        return dir.toAbsolutePath();
    }

    /**
     * The command's process, in this JVM's environment less the glibc tunables the suite adds for its own
     * measurements (the launcher pins malloc's thresholds, {@link GlibcMalloc}): the command runs, with and
     * without the recorder, as it would outside allocbench.
     */
    private static ProcessBuilder builder(List<String> command, Streams streams) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(streams.in()).redirectOutput(streams.out())
                .redirectError(streams.err());
        Map<String, String> env = builder.environment();
        String tunables = withoutSuiteTunables(env.get("GLIBC_TUNABLES"));
        if (tunables == null) {
            env.remove("GLIBC_TUNABLES");
        } else {
            env.put("GLIBC_TUNABLES", tunables);
        }
        return builder;
    }

    /** A GLIBC_TUNABLES value without the suite's own entries (exactly those); null if nothing is left. */
    static String withoutSuiteTunables(String tunables) {
        if (tunables == null) {
            return null;
        }
        List<String> suite = List.of(GlibcMalloc.SUITE_TUNABLES.split(":"));
        String kept = java.util.Arrays.stream(tunables.split(":")).filter(t -> !t.isEmpty() && !suite.contains(t))
                .collect(java.util.stream.Collectors.joining(":"));
        return kept.isEmpty() ? null : kept;
    }

    /** Starts, waits, times. */
    private static Run run(ProcessBuilder builder, List<String> command) {
        long start = System.nanoTime();
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new RecordException("cannot run " + command.get(0) + ": " + startFailure(e));
        }
        try {
            int status = child.waitFor();
            return new Run(child.pid(), status, System.nanoTime() - start);
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RecordException("interrupted while " + command.get(0) + " ran (it was killed)");
        }
    }

    /** "No such file or directory" out of Java's "Cannot run program "x": error=2, No such file or directory". */
    static String startFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            message = cause.getMessage();
        }
        return message.replaceFirst("^error=\\d+, ", "");
    }

    /** Finds the command's last recorded image among the raw files and converts it; lists the others. */
    private static Conversion convert(Path raw, Path output, List<String> command, List<Image> others,
            Path scratch, Run recorded) throws IOException {
        long pid = recorded.pid();
        List<Path> files = new ArrayList<>();
        try (var listing = Files.list(raw)) {
            listing.filter(f -> RAW_NAME.matcher(f.getFileName().toString()).matches()).forEach(files::add);
        }
        files.sort(Comparator.comparingLong((Path f) -> number(f, 1)).thenComparingLong(f -> number(f, 2)));
        Path chosen = null;
        for (Path f : files) {
            if (number(f, 1) == pid) {
                chosen = f; // sorted: the last is the highest generation
            }
        }
        if (chosen == null) {
            throw new RecordException("nothing was recorded: " + command.get(0) + " (exit status "
                    + recorded.exitStatus() + ") did not load " + LIBRARY
                    + " (a statically linked or set-user-ID program ignores LD_PRELOAD)");
        }
        for (Path f : files) {
            if (!f.equals(chosen)) {
                try (RawRecording r = RawRecording.open(f)) {
                    others.add(new Image(r.pid(), r.generation(), r.executable(), r.records()));
                } catch (IOException e) {
                    others.add(new Image((int) number(f, 1), (int) number(f, 2), "(unreadable: " + e.getMessage()
                            + ")", 0));
                }
            }
        }
        try (RawRecording r = RawRecording.open(chosen)) {
            List<String> comments = List.of("recorded by allocbench record: " + String.join(" ", command),
                    "program: " + r.executable() + " (pid " + r.pid() + ")");
            return TraceConverter.convert(r, output, comments, scratch);
        }
    }

    private static long number(Path file, int group) {
        Matcher m = RAW_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file.toString());
        }
        return Long.parseLong(m.group(group));
    }
}
