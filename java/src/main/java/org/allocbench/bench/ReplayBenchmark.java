package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;
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

    @Param({"aset-native", "aset-java", "glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc", "jdk-arena",
        "jdk-slicing", "netty-pooled"})
    public String allocator;

    @Param({"small-churn", "per-tuple-batches"})
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
