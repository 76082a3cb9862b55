package org.allocbench.campaign;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;

/**
 * What a campaign runs: which allocators over which traces, how (method
 * {@value #INTERLEAVED}: every lane in a process of its own per fork, forks
 * interleaved across lanes in a rotating order, see {@link InterleavedRunner};
 * {@value #JMH}: one JMH run per per-op cell), and how much.
 *
 * <p>{@code allocators} null means every allocator known (unavailable ones
 * become not-run cells). {@code opsPerTrace} overrides {@code ops} for single
 * traces (the quick campaign shortens the slow large-chunks trace).
 * {@code warmup} and {@code rounds}: iterations of each trace per lane
 * process, unrecorded and recorded; {@code forks}: processes per lane.
 * {@code hugePages} adds the cells {@code aset-native-segment@<mode>}: the
 * native AllocSet with its blocks on a shared segment of that page mode.
 * {@code wholeTrace} adds the whole-trace C lanes (each native allocator's
 * {@code -c} lane, and pg15-real if {@code postgres}); {@code floors} the
 * floors (per-op: {@code floor}, {@code noop-downcall}; whole-trace:
 * {@code floor-c}). {@code threadCounts}: replay threads per cell, one count, or several in a scaling
 * campaign (every cell measured at each). {@code workloads}: what each trace name is (a built-in or a file, resolved
 * once by {@link Workloads}); a name missing from it is a built-in pattern's.
 */
public record Campaign(String name, String method, List<String> allocators, List<String> traces, int ops,
        Map<String, Integer> opsPerTrace, long seed, int warmup, int rounds, int forks, List<Integer> threadCounts,
        Jmh jmh, List<String> hugePages, boolean wholeTrace, boolean postgres, boolean floors,
        Map<String, Workload> workloads) {

    public static final String INTERLEAVED = "interleaved";
    public static final String JMH = "jmh";

    /** The six traces the quick and full campaigns' tables are about. */
    public static final List<String> STANDARD_TRACES = List.of("small-churn", "per-tuple-reset", "array-agg",
            "logrand", "sort-tuples", "large-chunks");

    /** JMH settings of a {@value #JMH} campaign; {@code time} in JMH's syntax ("1s", "500ms"). */
    public record Jmh(int forks, int warmupIterations, int iterations, String time) {
        public static final Jmh DEFAULT = new Jmh(2, 3, 5, "1s");
    }

    public Campaign {
        threadCounts = threadCounts == null || threadCounts.isEmpty() ? List.of(1)
                : threadCounts.stream().distinct().sorted().toList();
        allocators = allocators == null ? null : allocators.stream().distinct().toList();
        traces = traces.stream().distinct().toList();
        opsPerTrace = opsPerTrace == null ? Map.of() : Map.copyOf(opsPerTrace);
        hugePages = hugePages == null ? List.of() : List.copyOf(hugePages);
        jmh = jmh == null ? Jmh.DEFAULT : jmh;
        Map<String, Workload> known = new LinkedHashMap<>();
        for (String t : traces) {
            Workload w = workloads == null ? null : workloads.get(t);
            known.put(t, w != null ? w : Workloads.builtin(t));
        }
        workloads = java.util.Collections.unmodifiableMap(known);
    }

    /** A campaign whose traces are all built-in patterns. */
    public Campaign(String name, String method, List<String> allocators, List<String> traces, int ops,
            Map<String, Integer> opsPerTrace, long seed, int warmup, int rounds, int forks, int threads, Jmh jmh,
            List<String> hugePages, boolean wholeTrace, boolean postgres, boolean floors) {
        this(name, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, forks, List.of(threads), jmh,
                hugePages, wholeTrace, postgres, floors, null);
    }

    /**
     * Replay threads per cell: the campaign's one thread count ({@link #threadCounts} has one element except in
     * a scaling campaign, whose runner runs a campaign {@link #withThreads} per count).
     */
    public int threads() {
        return threadCounts.get(0);
    }

    /** Whether the cells are measured at several thread counts (a scaling campaign). */
    public boolean scales() {
        return threadCounts.size() > 1;
    }

    /** The campaign at one thread count. */
    public Campaign withThreads(int n) {
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, forks,
                List.of(n), jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    /** 1, 2, 4, ... up to 4x this machine's CPUs (the scale campaign's thread counts). */
    public static List<Integer> scalingThreadCounts(int cpus) {
        List<Integer> counts = new java.util.ArrayList<>();
        for (int n = 1; n <= 4 * Math.max(1, cpus); n *= 2) {
            counts.add(n);
        }
        return counts;
    }

    /** What trace {@code trace} is. */
    public Workload workload(String trace) {
        Workload w = workloads.get(trace);
        if (w == null) {
            throw new IllegalArgumentException("trace \"" + trace + "\" is not one of the campaign's");
        }
        return w;
    }

    /** The ops of {@code trace}'s replay: generated ({@link #opsFor}, {@link #seed}) or the file's. */
    public OpSequence sequence(String trace) {
        return workload(trace).load(opsFor(trace), seed);
    }

    /** The campaign's workloads, in trace order. */
    public List<Workload> workloadList() {
        return List.copyOf(workloads.values());
    }

    /**
     * {@code allocbench run}: every allocator that frees over the standard traces, per-op and whole-trace,
     * 3 forks of 15 warm-up + 7 measured iterations; under three minutes on 2 cores. The warm-up is long
     * because per-op lanes start in a fresh JVM: with 3 warm-up iterations (600,000 ops) some JVMs had not
     * finished compiling the replay loop and measured 2-4x slower than the next (the drift check flagged them);
     * about 3 million ops of warm-up let every fork reach its compiled code, and add seconds, not minutes.
     * The allocators that
     * cannot free single allocations (the JDK's arenas) are left out: they are never ranked, and keeping every
     * chunk of a trace (large-chunks: gigabytes, zeroed) took half the campaign's time; name them with
     * {@code --allocators}, or run the full campaign, to see them in a section of their own.
     */
    public static Campaign quick() {
        return new Campaign("quick", INTERLEAVED, allThatFree(), STANDARD_TRACES, 200_000,
                Map.of("large-chunks", 20_000), 42, 15, 7, 3, 1, Jmh.DEFAULT, List.of(), true, true, true);
    }

    /** Every allocator known, less those that cannot free single allocations. */
    static List<String> allThatFree() {
        return Allocators.all().stream().map(AllocatorFactory::name).filter(n -> !Allocators.skipsFrees(n)).toList();
    }

    /**
     * The CI gate's: four allocators, three traces, small; one fork per gate child. 30 warm-up iterations (3
     * million ops per trace and lane process): with 3, per-op lanes in fresh JVMs were still compiling, their
     * fork medians differed by up to 4x and the gate's intervals spanned 0.5..2.5 (measured 2026-12-04: with
     * 30, six forks of aset-native x small-churn agreed within 17%, for 3 seconds more per six forks).
     */
    public static Campaign gate() {
        return new Campaign("gate", INTERLEAVED, List.of("aset-native", "aset-pg15", "aset-java", "glibc"),
                List.of("small-churn", "per-tuple-reset", "logrand"), 100_000, Map.of(), 42, 30, 5, 1, 1,
                Jmh.DEFAULT, List.of(), false, false, true);
    }

    /** For real hosts: JMH, every allocator x the 13 built-in patterns (over an hour). */
    public static Campaign full() {
        return new Campaign("full", JMH, null, org.allocbench.trace.Pattern.names(),
                org.allocbench.replay.PerOpLanes.JMH_TRACE_OPS, Map.of(), 42, 5, 31, 1, 1, Jmh.DEFAULT, List.of(), true,
                true, true);
    }

    /**
     * Thread scaling: the quick campaign's allocators over three traces (small chunks churned, a per-tuple
     * reset, sizes of a log-random spread), 100,000 ops each per thread, at 1, 2, 4, ... up to 4x the CPUs
     * replay threads; per-op lanes from Java and the whole-trace C lanes (a pthread per replay thread), and
     * pg15-real at one thread only (a backend is one thread: {@code allocbench hugepages --processes} measures
     * the process model). Each thread replays the trace with its own context; the malloc peers share their
     * process heap.
     * On a 2-core machine the curves show their shape up to 2 threads only: meant for bigger hosts.
     */
    public static Campaign scale() {
        return new Campaign("scale", INTERLEAVED, allThatFree(), List.of("small-churn", "per-tuple-reset", "logrand"),
                100_000, Map.of(), 42, 15, 7, 3,
                scalingThreadCounts(Runtime.getRuntime().availableProcessors()), Jmh.DEFAULT, List.of(), true,
                true, true, null);
    }

    /** A built-in campaign by name, or null. */
    public static Campaign preset(String name) {
        return switch (name) {
            case "quick" -> quick();
            case "gate" -> gate();
            case "full" -> full();
            case "scale" -> scale();
            default -> null;
        };
    }

    public static List<String> presetNames() {
        return List.of("quick", "gate", "full", "scale");
    }

    /** Operations of {@code trace}'s replay. */
    public int opsFor(String trace) {
        return opsPerTrace.getOrDefault(trace, ops);
    }

    public Campaign withName(String n) {
        return new Campaign(n, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, forks, threadCounts,
                jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    public Campaign withAllocators(List<String> a) {
        return new Campaign(name, method, a, traces, ops, opsPerTrace, seed, warmup, rounds, forks, threadCounts, jmh,
                hugePages, wholeTrace, postgres, floors, workloads);
    }

    /** The campaign over these workloads (built-ins or files), named after them. */
    public Campaign withWorkloads(List<Workload> w) {
        Map<String, Workload> map = new LinkedHashMap<>();
        for (Workload x : w) {
            map.put(x.name(), x);
        }
        return new Campaign(name, method, allocators, List.copyOf(map.keySet()), ops, opsPerTrace, seed, warmup,
                rounds, forks, threadCounts, jmh, hugePages, wholeTrace, postgres, floors, map);
    }

    public Campaign withTraces(List<String> t) {
        return new Campaign(name, method, allocators, t, ops, opsPerTrace, seed, warmup, rounds, forks, threadCounts,
                jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    /** A single ops count for every trace (drops the per-trace overrides). */
    public Campaign withOps(int o) {
        return new Campaign(name, method, allocators, traces, o, Map.of(), seed, warmup, rounds, forks, threadCounts,
                jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    public Campaign withSeed(long s) {
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, s, warmup, rounds, forks, threadCounts,
                jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    public Campaign withRounds(int warm, int measured) {
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, seed, warm, measured, forks,
                threadCounts, jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    public Campaign withForks(int f) {
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, f, threadCounts,
                jmh, hugePages, wholeTrace, postgres, floors, workloads);
    }

    public Campaign withPostgres(boolean p) {
        return new Campaign(name, method, allocators, traces, ops, opsPerTrace, seed, warmup, rounds, forks,
                threadCounts, jmh, hugePages, wholeTrace, p, floors, workloads);
    }

    /** The campaign as a campaign file's keys (what {@link CampaignFile} reads back to the same campaign). */
    public Map<String, Object> toFileMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("method", method);
        if (allocators != null) {
            m.put("allocators", allocators);
        }
        m.put("traces", traces.stream().map(t -> workloads.get(t).spec()).toList()); // files by absolute path
        m.put("ops", ops);
        if (!opsPerTrace.isEmpty()) {
            m.put("opsPerTrace", new java.util.TreeMap<>(opsPerTrace));
        }
        m.put("seed", seed);
        m.put("warmup", warmup);
        m.put("rounds", rounds);
        m.put("forks", forks);
        m.put("threads", threadCounts.size() == 1 ? (Object) threadCounts.get(0) : threadCounts);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("forks", jmh.forks());
        j.put("warmupIterations", jmh.warmupIterations());
        j.put("iterations", jmh.iterations());
        j.put("time", jmh.time());
        m.put("jmh", j);
        m.put("hugePages", hugePages);
        m.put("wholeTrace", wholeTrace);
        m.put("postgres", postgres);
        m.put("floors", floors);
        return m;
    }
}
