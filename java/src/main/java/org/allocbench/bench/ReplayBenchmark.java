package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.ThreadUsage;
import org.allocbench.replay.FloorAllocator;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.replay.TraceReplay;
import org.allocbench.trace.Workloads;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One idea: the cost per operation of replaying the same trace through each
 * allocator, op for op, through the allocator interface (the per-op view: an
 * allocator called from Java). One invocation is one iteration of the trace
 * format: create the context, replay every op, end it, so creation and the
 * end are inside the time, as the format says. The loop is
 * {@link ReplayLoop} ({@link TraceReplay#of}: the tree loop for a version 2
 * trace), the same for every allocator: it keeps the live set,
 * and an allocator without a bulk release is given a free for each live chunk
 * on R and at the end, timed like any op.
 *
 * <p>Pitfalls named: the trace is generated in {@code @Setup}, never timed;
 * every trace has exactly {@link #OPS} operations so
 * {@code @OperationsPerInvocation} turns the score into ns/op (a trace file has its own op count: the
 * campaign runner rescales its scores by {@code OPS / ops}; {@code trace} may be a file's path, and
 * {@code traceSha256} its digest, checked in the fork); each
 * (allocator, trace) pair runs in its own fork, so the interface calls see one
 * implementation and inline; glibc's malloc thresholds are pinned
 * ({@link GlibcMalloc}), so no figure depends on what the fork freed before;
 * an unavailable allocator fails its own pair with the reason and leaves the
 * others running. Allocators that cannot free single allocations
 * ({@code jdk-arena}, {@code jdk-slicing}) skip the frees: they do less work,
 * and are reported apart, never ranked.
 *
 * <p>The floor: {@code floor} ({@link FloorAllocator}) is the loop with no
 * allocator, its chunks laid out by a plan made when the trace is read (memory
 * reused as an allocator would reuse it), so its score is what this loop costs
 * around any allocator. It must be below every allocator on every trace.
 *
 * <p>Traces: every {@link org.allocbench.trace.Pattern} except
 * {@code malloc-large}. That one replaces 5..25 MiB buffers about 50,000 times
 * per iteration: allocators that cannot free single allocations would keep
 * every buffer until the end of the iteration (hundreds of GiB, and
 * {@code jdk-arena} zeroes each). It is still accepted explicitly, for
 * allocators that free: {@code -p trace=malloc-large -p
 * allocator=aset-native,glibc,floor}; for an allocator without individual free
 * it fails its own pair in {@code @Setup} with the reason.
 *
 * <p>Page faults: the replaying thread's minor faults are read before and after
 * each invocation (JMH's per-invocation helpers, outside the measured time;
 * an invocation is a replay of a millisecond or more, so their own cost does
 * not show) and reported as the secondary results {@code minflt} and
 * {@code replays} (totals per iteration): faults per replay = minflt / replays.
 *
 * <p>The full matrix is 12 lanes x 12 traces x 2 forks x 8 s, well over an
 * hour: narrow it with {@code -p}, e.g. {@code allocbench bench ReplayBenchmark
 * -p allocator=floor,aset-native,glibc -p trace=small-churn,array-agg -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ReplayBenchmark.OPS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReplayBenchmark {

    /** Operations in every trace of this benchmark (and of the other replay benchmarks). */
    public static final int OPS = PerOpLanes.JMH_TRACE_OPS;

    @Param({"floor", "aset-native", "aset-pg15", "aset-java", "glibc", "jemalloc", "mimalloc", "mimalloc-heap",
        "tcmalloc", "jdk-arena", "jdk-slicing", "netty-pooled"})
    public String allocator;

    /** Every pattern but malloc-large (see the class comment), in {@link org.allocbench.trace.Pattern} order. */
    @Param({"small-churn", "per-tuple-batches", "logrand", "per-tuple-reset", "array-agg", "large-chunks", "catcache",
        "sort-tuples", "fifo", "lifo", "glibc-simple", "alloc-test"})
    public String trace;

    @Param({"42"})
    public long seed;

    /** The SHA-256 a trace file must have, or {@value #ANY_DIGEST} (a built-in, or not checked). */
    @Param({ANY_DIGEST})
    public String traceSha256;

    /** {@code traceSha256} when there is nothing to check. */
    public static final String ANY_DIGEST = "any";

    private Supplier<Allocator> contexts;
    private TraceReplay loop;

    /** The {@code traceSha256} parameter for a workload's digest (null: a built-in). */
    public static String traceDigest(String sha256) {
        return sha256 == null ? ANY_DIGEST : sha256;
    }

    @Setup(Level.Trial)
    public void prepare() {
        String unavailable = PerOpLanes.unavailableReason(allocator);
        if (unavailable != null) {
            throw new IllegalStateException(allocator + " is unavailable here: " + unavailable);
        }
        GlibcMalloc.pinThisProcess();
        OpSequence ops = Workloads.loadVerified(trace, traceSha256.equals(ANY_DIGEST) ? null : traceSha256, OPS,
                seed);
        contexts = PerOpLanes.contexts(allocator, ops);
        if (trace.equals(Pattern.MALLOC_LARGE.patternName())) {
            try (Allocator probe = contexts.get()) {
                if (!probe.capabilities().individualFree()) {
                    throw new IllegalStateException(allocator + " cannot free single allocations, so malloc-large"
                            + " would keep every 5..25 MiB buffer of the iteration; run it with allocators that free");
                }
            }
            contexts = PerOpLanes.contexts(allocator, ops); // the probe used the floor's plan
        }
        loop = TraceReplay.of(ops); // a version 2 trace's own threads are made here, outside the measurement
        try (Allocator probe = contexts.get()) {
            loop.prepare(probe.capabilities());
        }
        contexts = PerOpLanes.contexts(allocator, ops); // the probe used the floor's plan
    }

    @TearDown(Level.Trial)
    public void finish() {
        loop.close();
    }

    @Benchmark
    public void replay(Faults faults) {
        loop.iteration(contexts);
    }

    /** The replaying thread's minor page faults and replays in an iteration (JMH secondary results). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Faults {
        public long minflt;
        public long replays;
        private long before;

        @Setup(Level.Iteration)
        public void clear() {
            minflt = 0;
            replays = 0;
        }

        @Setup(Level.Invocation)
        public void before() {
            before = ThreadUsage.minorFaults();
        }

        @TearDown(Level.Invocation)
        public void after() {
            minflt += ThreadUsage.minorFaults() - before;
            replays++;
        }
    }
}
