package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * glibc's malloc settings the suite pins, defined once, for every process it
 * measures in: each JVM (the launcher, child JVMs, JMH forks), the C runner
 * and the trial child, and the throwaway PostgreSQL's backends.
 *
 * <p><b>Why pin.</b> glibc adapts its mmap threshold at run time: it starts at
 * 128 KiB, and each free of an mmapped chunk raises it (up to 32 MiB on
 * 64-bit), with the trim threshold following at twice that. So whether an
 * AllocSet's 1 MiB block is a fresh mmap that faults on every touch, or heap
 * memory reused from the last iteration, depends on what the process freed
 * before, not on the allocator: the same trace measured 0 or 3,000 faults per
 * iteration, and 15 or 108 ns/op, depending on the lane that ran first. Pinned,
 * the dynamic adjustment is off and every process starts where a warmed-up one
 * would end: {@value #MMAP_THRESHOLD} bytes (glibc's own ceiling, 32 MiB) and
 * {@value #TRIM_THRESHOLD} (64 MiB). Allocators that do not use glibc's malloc
 * (jemalloc, mimalloc, tcmalloc, Netty) are not affected; they keep their own
 * policies, which are part of what is measured.
 *
 * <p><b>How.</b> Through {@code GLIBC_TUNABLES} in the environment of every
 * process the suite starts ({@link #environment}); glibc reads it at process
 * start. A JVM started without it (a user's own {@code java -jar}) is pinned
 * at run time with {@code mallopt}, which sets the same two values
 * ({@link #pinThisProcess}); the run's environment records which happened.
 */
public final class GlibcMalloc {

    /** glibc's {@code DEFAULT_MMAP_THRESHOLD_MAX} on 64-bit: the highest value glibc accepts. */
    public static final long MMAP_THRESHOLD = 32L << 20;
    /** Twice the mmap threshold, as glibc's dynamic adjustment sets it. */
    public static final long TRIM_THRESHOLD = 64L << 20;
    private static final String MMAP_THRESHOLD_KEY = "glibc.malloc.mmap_threshold";
    private static final String TRIM_THRESHOLD_KEY = "glibc.malloc.trim_threshold";
    /** The tunables that pin both. */
    public static final String MALLOC_TUNABLES = MMAP_THRESHOLD_KEY + "=" + MMAP_THRESHOLD + ":" + TRIM_THRESHOLD_KEY
            + "=" + TRIM_THRESHOLD;
    /** The static TLS surplus glibc keeps for libraries loaded after start (512 bytes unless set). */
    public static final String STATIC_TLS_KEY = "glibc.rtld.optional_static_tls";
    /** What jemalloc needs to be dlopen'ed (see {@code NativePeers}); harmless for everything else. */
    public static final String STATIC_TLS_TUNABLE = STATIC_TLS_KEY + "=16384";
    /**
     * Every tunable the suite sets, in the order {@link #tunables} appends them. The launcher script and the
     * build's surefire configuration repeat this string (those processes start before any Java runs).
     */
    public static final String SUITE_TUNABLES = MALLOC_TUNABLES + ":" + STATIC_TLS_TUNABLE;

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static volatile String pinnedBy;

    private GlibcMalloc() {
    }

    /**
     * {@code current} (a GLIBC_TUNABLES value, may be null) with the suite's
     * tunables added where the user set none of their own for the same key.
     */
    public static String tunables(String current) {
        StringBuilder sb = new StringBuilder(current == null ? "" : current);
        for (String tunable : SUITE_TUNABLES.split(":")) {
            String key = tunable.substring(0, tunable.indexOf('='));
            if (!sets(sb.toString(), key)) {
                sb.append(sb.isEmpty() ? "" : ":").append(tunable);
            }
        }
        return sb.toString();
    }

    /** Whether {@code tunables} (a GLIBC_TUNABLES value, may be null) gives {@code key} a value. */
    public static boolean sets(String tunables, String key) {
        return tunables != null && (":" + tunables + ":").contains(":" + key + "=");
    }

    /** Puts the suite's tunables into a child process's environment (keeping the user's own). */
    public static Map<String, String> environment(Map<String, String> env) {
        env.put("GLIBC_TUNABLES", tunables(env.get("GLIBC_TUNABLES")));
        return env;
    }

    /** Whether this process was started with both thresholds pinned through GLIBC_TUNABLES. */
    public static boolean pinnedAtStart() {
        String current = System.getenv("GLIBC_TUNABLES");
        return sets(current, MMAP_THRESHOLD_KEY) && sets(current, TRIM_THRESHOLD_KEY);
    }

    /**
     * Pins the thresholds in this process if GLIBC_TUNABLES did not (idempotent,
     * cheap after the first call). Call before measuring anything.
     */
    public static void pinThisProcess() {
        if (pinnedBy != null) {
            return;
        }
        synchronized (GlibcMalloc.class) {
            if (pinnedBy != null) {
                return;
            }
            if (pinnedAtStart()) {
                pinnedBy = "GLIBC_TUNABLES";
                return;
            }
            try {
                MethodHandle mallopt = Downcalls.link(Downcalls.libc(), "the C library", "mallopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), false);
                int a = (int) mallopt.invokeExact(M_MMAP_THRESHOLD, (int) MMAP_THRESHOLD);
                int b = (int) mallopt.invokeExact(M_TRIM_THRESHOLD, (int) TRIM_THRESHOLD);
                pinnedBy = a == 1 && b == 1 ? "mallopt" : "not pinned (mallopt refused)";
            } catch (Throwable t) {
                pinnedBy = "not pinned (" + t.getMessage() + ")";
            }
        }
    }

    /** For the run's environment block: the values and how this process got them. */
    public static Map<String, Object> describe() {
        pinThisProcess();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mmapThresholdBytes", MMAP_THRESHOLD);
        m.put("trimThresholdBytes", TRIM_THRESHOLD);
        m.put("pinnedBy", pinnedBy);
        m.put("childTunables", tunables(System.getenv("GLIBC_TUNABLES")));
        return m;
    }
}
