package org.allocbench.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one way a command turns what the user typed into workloads: a word is a built-in pattern's name, else
 * a trace file ({@code .trace}, {@code .trace.gz} or any other name), else a directory (its {@code *.trace}
 * and {@code *.trace.gz} files, sorted by name, not recursive). Files are read and validated in full here,
 * so every problem surfaces as one {@link IllegalArgumentException} line ({@code file:line: problem}) when
 * the command starts, before anything is timed.
 */
public final class Workloads {

    private Workloads() {
    }

    /**
     * The built-in pattern of a name, as a workload.
     *
     * @throws IllegalArgumentException naming the built-ins if there is none
     */
    public static Workload builtin(String name) {
        return Workload.builtin(Pattern.byName(name));
    }

    /** The workloads of one word, paths relative to the working directory. */
    public static List<Workload> resolve(String word) {
        return resolve(word, null);
    }

    /** The workloads of one word; a relative path is resolved against {@code base} (null: the working directory). */
    public static List<Workload> resolve(String word, Path base) {
        if (word.isBlank()) {
            // Path.of("") is the working directory: an empty name would silently mean "every trace here"
            throw new IllegalArgumentException("empty trace name (give a built-in name, a trace file or a directory)");
        }
        for (Pattern p : Pattern.values()) {
            if (p.patternName().equals(word)) {
                return List.of(Workload.builtin(p));
            }
        }
        Path path = base == null ? Path.of(word) : base.resolve(word);
        if (Files.isDirectory(path)) {
            List<Path> files = traceFiles(path);
            if (files.isEmpty()) {
                throw new IllegalArgumentException(path + ": directory holds no *.trace or *.trace.gz files");
            }
            List<Workload> out = new ArrayList<>();
            for (Path f : files) {
                out.add(file(f));
            }
            return out;
        }
        if (Files.exists(path)) {
            return List.of(file(path));
        }
        try {
            // the old lookup also accepted the enum's spelling (SMALL_CHURN); keep that working
            return List.of(Workload.builtin(Pattern.byName(word)));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown trace \"" + word + "\": not a built-in (" + String.join(", ",
                    Pattern.names()) + ") and no such file or directory" + (base == null ? "" : " under " + base));
        }
    }

    /**
     * The workloads of every word, in order; the same workload named twice counts once, two different
     * workloads with one name (a file small-churn.trace and the built-in) are an error.
     */
    public static List<Workload> resolveAll(List<String> words, Path base) {
        Map<String, Workload> byName = new LinkedHashMap<>();
        for (String word : words) {
            for (Workload w : resolve(word, base)) {
                Workload before = byName.putIfAbsent(w.name(), w);
                if (before != null && !before.equals(w)) {
                    throw new IllegalArgumentException("two traces named \"" + w.name() + "\": " + origin(before)
                            + " and " + origin(w) + " (cells are named after the trace; rename a file)");
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /** As {@link #resolveAll(List, Path)} from the working directory. */
    public static List<Workload> resolveAll(List<String> words) {
        return resolveAll(words, null);
    }

    /**
     * A child process's side of a handed-over workload: resolves {@code spec} ({@link Workload#spec()}) and,
     * for a file, checks it still has the parent's SHA-256, so both processes replay the same bytes.
     */
    public static Workload resolveVerified(String spec, String sha256) {
        List<Workload> found = resolve(spec);
        if (found.size() != 1) {
            throw new IllegalArgumentException(spec + ": expected one trace, found " + found.size());
        }
        Workload w = found.getFirst();
        if (sha256 != null && !sha256.isEmpty() && !sha256.equals(w.sha256())) {
            throw new IllegalArgumentException(spec + ": the file changed since the run started (SHA-256 "
                    + w.sha256() + ", expected " + sha256 + ")");
        }
        return w;
    }

    /** {@link #resolveVerified}, loaded: what a benchmark fork given a name or a path replays. */
    public static OpSequence loadVerified(String spec, String sha256, int ops, long seed) {
        return resolveVerified(spec, sha256).load(ops, seed);
    }

    /**
     * The note to print when the user set an op count but some workloads are files (which replay their own
     * ops), or null when none is.
     */
    public static String opsIgnoredNote(List<Workload> workloads) {
        List<String> files = workloads.stream().filter(w -> !w.builtin()).map(Workload::name).toList();
        return files.isEmpty() ? null : "note: --ops applies to built-in traces only; trace files replay their own ops ("
                + String.join(", ", files) + ")";
    }

    private static String origin(Workload w) {
        return w.builtin() ? "the built-in pattern" : "file " + w.path();
    }

    private static List<Path> traceFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if ((n.endsWith(".trace") || n.endsWith(".trace.gz")) && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(dir + ": cannot list the directory: " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** Reads and validates one file, hashing the bytes as they are read. */
    private static Workload file(Path path) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        long size;
        OpSequence ops;
        try (InputStream raw = Files.newInputStream(path); CountingDigest in = new CountingDigest(raw, sha)) {
            ops = TraceReader.read(in, path.toString());
            in.transferTo(OutputStream.nullOutputStream()); // whatever the reader left unread still counts
            size = in.count;
        } catch (TraceFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + e.getMessage(), e);
        }
        return Workload.file(path.toAbsolutePath().normalize(), size, HexFormat.of().formatHex(sha.digest()), ops);
    }

    /** A digest stream that also counts the bytes it passed on. */
    private static final class CountingDigest extends DigestInputStream {
        long count;

        CountingDigest(InputStream in, MessageDigest digest) {
            super(in, digest);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
