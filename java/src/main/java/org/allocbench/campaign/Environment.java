package org.allocbench.campaign;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.pg.PgInstallation;

/**
 * What decides the numbers on this host, as a results.json {@code environment}
 * block and for {@code allocbench env}: host, kernel, CPU, memory, transparent
 * and reserved huge pages, CPU frequency governor, the JVM, glibc, each
 * allocator's library version (or why it is unavailable), PostgreSQL 15, and
 * the allocbench build (version, git commit, jar and its SHA-256). A fact that
 * cannot be read is null, never guessed.
 */
public final class Environment {

    private Environment() {
    }

    /** Every fact, in a stable order (nested maps for groups). */
    public static Map<String, Object> capture() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("hostname", hostname());
        env.put("os", osName());
        env.put("kernel", firstLine(Path.of("/proc/sys/kernel/osrelease")));
        env.put("cpuModel", cpuModel());
        env.put("logicalCpus", Runtime.getRuntime().availableProcessors());
        env.put("memTotalBytes", memTotal());
        Map<String, Object> thp = new LinkedHashMap<>();
        Path thpDir = Path.of("/sys/kernel/mm/transparent_hugepage");
        thp.put("enabled", selected(thpDir.resolve("enabled")));
        thp.put("defrag", selected(thpDir.resolve("defrag")));
        thp.put("shmemEnabled", selected(thpDir.resolve("shmem_enabled")));
        env.put("transparentHugePages", thp);
        env.put("hugePagePools", hugePagePools());
        env.put("cpuGovernor", firstLine(Path.of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")));
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", Runtime.version().toString());
        jvm.put("vendor", System.getProperty("java.vm.vendor"));
        jvm.put("vmName", System.getProperty("java.vm.name"));
        jvm.put("home", System.getProperty("java.home"));
        jvm.put("args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("jvm", jvm);
        env.put("glibcTunables", System.getenv("GLIBC_TUNABLES"));
        env.put("glibcMalloc", GlibcMalloc.describe());
        env.put("glibcVersion", glibcVersion());
        env.put("allocators", allocatorVersions());
        String pgMissing = PgInstallation.unavailableReason();
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("available", pgMissing == null);
        pg.put("version", pgMissing == null ? PgInstallation.require().version() : null);
        pg.put("reason", pgMissing);
        env.put("postgresql15", pg);
        Map<String, Object> build = new LinkedHashMap<>();
        Path jar = jar();
        build.put("version", version());
        build.put("gitCommit", gitCommit(jar));
        build.putAll(treeState(jar));
        build.put("jar", jar == null ? null : jar.toString());
        build.put("jarSha256", jar == null ? null : sha256(jar));
        env.put("allocbench", build);
        return env;
    }

    /** allocbench's version from the jar manifest, or null in a development build. */
    public static String version() {
        return Environment.class.getPackage().getImplementationVersion();
    }

    /** The jar this class was loaded from, or null (classes directory). */
    public static Path jar() {
        try {
            Path p = Path.of(Environment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The commit the build came from: the jar manifest's {@code Git-Commit} if the
     * build recorded one, else {@code git rev-parse HEAD} in the jar's directory or,
     * failing that, the current one, with "-dirty" if the work tree has changes; else null.
     */
    public static String gitCommit(Path jar) {
        if (jar != null) {
            try (JarFile jf = new JarFile(jar.toFile())) {
                String c = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue("Git-Commit");
                if (c != null && !c.isBlank()) {
                    return c;
                }
            } catch (IOException ignored) {
                // fall through to git
            }
        }
        List<Path> places = new ArrayList<>();
        if (jar != null) {
            places.add(jar.getParent());
        }
        places.add(Path.of("").toAbsolutePath());
        for (Path where : places) {
            String head = run(where, "git", "rev-parse", "HEAD");
            if (head != null && head.matches("[0-9a-f]{40}")) {
                String status = run(where, "git", "status", "--porcelain", "--untracked-files=no");
                return status != null && !status.isBlank() ? head + "-dirty" : head;
            }
        }
        return null;
    }

    /**
     * The state of the git work tree the jar lives in when the run starts:
     * {@code gitHead} (its HEAD then), {@code gitDirty} (whether tracked files
     * differ from it) and {@code gitDiffSha256}, the SHA-256 of the raw bytes of
     * {@code git diff --no-color --no-ext-diff --binary HEAD} (what
     * {@code git diff --no-color --no-ext-diff --binary HEAD | sha256sum} prints;
     * null when clean), so a run can be traced to the exact source it measured.
     * Untracked files are not in the diff. All null where there is no work tree.
     */
    static Map<String, Object> treeState(Path jar) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path where = jar != null ? jar.getParent() : Path.of("").toAbsolutePath();
        String head = run(where, "git", "rev-parse", "HEAD");
        byte[] diff = head == null ? null : runBytes(where, "git", "diff", "--no-color", "--no-ext-diff", "--binary",
                "HEAD");
        m.put("gitHead", head);
        m.put("gitDirty", diff == null ? null : diff.length > 0);
        m.put("gitDiffSha256", diff == null || diff.length == 0 ? null : sha256(diff));
        return m;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** A command's standard output as bytes, or null if it failed. */
    private static byte[] runBytes(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return out;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            return null;
        }
    }

    /** gnu_get_libc_version() through FFM, or null. */
    public static String glibcVersion() {
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment fn = linker.defaultLookup().find("gnu_get_libc_version").orElse(null);
            if (fn == null) {
                return null;
            }
            MethodHandle h = linker.downcallHandle(fn, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment s = (MemorySegment) h.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }

    /** name: library version, or "unavailable: reason". */
    public static Map<String, String> allocatorVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (AllocatorFactory f : Allocators.all()) {
            if (!f.availability().available()) {
                out.put(f.name(), "unavailable: " + f.availability().reason());
                continue;
            }
            try (Allocator a = f.create()) {
                out.put(f.name(), a.version());
            } catch (RuntimeException e) {
                out.put(f.name(), "failed to load: " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Map<String, Object>> hugePagePools() {
        List<Map<String, Object>> pools = new ArrayList<>();
        Path dir = Path.of("/sys/kernel/mm/hugepages");
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.matches("hugepages-\\d+kB")) {
                    continue;
                }
                Map<String, Object> pool = new LinkedHashMap<>();
                pool.put("pageSizeBytes", Long.parseLong(n.replaceAll("\\D", "")) * 1024);
                pool.put("total", number(p.resolve("nr_hugepages")));
                pool.put("free", number(p.resolve("free_hugepages")));
                pool.put("reserved", number(p.resolve("resv_hugepages")));
                pools.add(pool);
            }
        } catch (IOException ignored) {
            // no hugetlb support: no pools
        }
        return pools;
    }

    private static String hostname() {
        String h = firstLine(Path.of("/proc/sys/kernel/hostname"));
        if (h != null) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException ignored) {
            // unknown
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // unknown
        }
        return null;
    }

    private static Long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // unknown
        }
        return null;
    }

    /** "always [madvise] never" -> "madvise"; the whole line if nothing is bracketed. */
    static String selected(Path file) {
        String line = firstLine(file);
        if (line == null) {
            return null;
        }
        int a = line.indexOf('[');
        int b = line.indexOf(']');
        return a >= 0 && b > a ? line.substring(a + 1, b) : line.trim();
    }

    private static Long number(Path file) {
        String s = firstLine(file);
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? null : lines.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String run(Path dir, String... command) {
        byte[] out = runBytes(dir, command);
        return out == null ? null : new String(out, StandardCharsets.UTF_8).trim();
    }

    /** The facts as an aligned two-column table, groups flattened to "group.key". */
    public static String table(Map<String, Object> env) {
        List<String[]> rows = new ArrayList<>();
        flatten("", env, rows);
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format("%-" + width + "s  %s%n", r[0], r[1]));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object value, List<String[]> rows) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey().toString() : prefix + "." + e.getKey(), e.getValue(), rows);
            }
        } else if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map) {
            for (int i = 0; i < l.size(); i++) {
                flatten(prefix + "[" + i + "]", l.get(i), rows);
            }
        } else if (value instanceof List<?> l) {
            rows.add(new String[] {prefix, l.isEmpty() ? "(none)" : String.join(" ", (List<String>) (List<?>) l.stream().map(String::valueOf).toList())});
        } else if (value != null || !prefix.endsWith("reason")) {
            rows.add(new String[] {prefix, value == null ? "(unknown)" : value.toString()});
        }
    }
}
