package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One idea: the cost per operation of replaying the same trace through each
 * allocator, op for op, through the allocator interface. One invocation is one
 * iteration of the trace format: create the context, replay every op, delete
 * it, so creation and deletion are inside the time, as the format says.
 *
 * <p>Pitfalls named: the trace is generated in {@code @Setup}, never timed;
 * every trace has exactly {@link #OPS} operations so
 * {@code @OperationsPerInvocation} turns the score into ns/op; each
 * (allocator, trace) pair runs in its own fork, so the interface calls see one
 * implementation and inline; an unavailable allocator fails its own pair with
 * the reason and leaves the others running. Allocators that cannot free single
 * allocations skip the frees: their scores do less work, and their
 * capabilities note says so.
 *
 * <p>The harness floor: {@code null} ({@link org.allocbench.alloc.NullAllocator})
 * is a bump pointer that ignores frees, so its score is what this loop costs
 * around the allocator (op decoding, interface calls, the touch of both ends
 * of every chunk, instance creation). Subtract it from a real allocator's
 * score to estimate what the allocator itself adds.
 *
 * <p>Traces: every {@link org.allocbench.trace.Pattern} except
 * {@code malloc-large}. That one replaces 5..25 MiB buffers about 50,000 times
 * per iteration: allocators that cannot free single allocations would keep
 * every buffer until the end of the iteration (hundreds of GiB, and
 * {@code jdk-arena} zeroes each), and for the others it measures mmap and
 * munmap rather than the allocator. It is still accepted explicitly, for
 * allocators that free: {@code -p trace=malloc-large -p
 * allocator=aset-native,glibc,null}; for an allocator without individual free
 * it fails its own pair in {@code @Setup} with the reason.
 *
 * <p>Every pattern generates exactly {@link #OPS} ops (the generators cut at
 * the requested count), so {@code @OperationsPerInvocation(OPS)} holds for all.
 * The full matrix is 11 allocators x 12 traces x 2 forks x 8 s, well over an
 * hour: narrow it with {@code -p}, e.g. {@code allocbench bench ReplayBenchmark
 * -p allocator=null,aset-native,glibc -p trace=small-churn,array-agg -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ReplayBenchmark.OPS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReplayBenchmark {

    /** Operations in every trace of this benchmark. */
    public static final int OPS = 100_000;

    @Param({"null", "aset-native", "aset-pg15", "aset-java", "glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc",
        "jdk-arena", "jdk-slicing", "netty-pooled"})
    public String allocator;

    /** Every pattern but malloc-large (see the class comment), in {@link org.allocbench.trace.Pattern} order. */
    @Param({"small-churn", "per-tuple-batches", "logrand", "per-tuple-reset", "array-agg", "large-chunks", "catcache",
        "sort-tuples", "fifo", "lifo", "glibc-simple", "alloc-test"})
    public String trace;

    @Param({"42"})
    public long seed;

    private AllocatorFactory factory;
    private OpSequence ops;
    private long[] handles;
    private long[] sizes;

    @Setup(Level.Trial)
    public void prepare() {
        factory = Allocators.byName(allocator);
        if (!factory.availability().available()) {
            throw new IllegalStateException(allocator + " is unavailable here: " + factory.availability().reason());
        }
        if (trace.equals(Pattern.MALLOC_LARGE.patternName())) {
            try (Allocator probe = factory.create()) {
                if (!probe.capabilities().individualFree()) {
                    throw new IllegalStateException(allocator + " cannot free single allocations, so malloc-large"
                            + " would keep every 5..25 MiB buffer of the iteration; run it with allocators that free");
                }
            }
        }
        ops = BuiltinPatterns.byName(trace, OPS, seed);
        handles = new long[ops.slots()];
        sizes = new long[ops.slots()];
    }

    @Benchmark
    public void replay() {
        try (Allocator instance = factory.create()) {
            AllocatorReplay.replay(instance, ops, handles, sizes);
        }
    }
}
