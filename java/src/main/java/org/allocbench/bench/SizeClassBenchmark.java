package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.replay.ReplayLoop;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One idea: what one allocation of a given size costs in each allocator, by
 * size class, through the allocator interface, so a replay score can be read
 * against the per-op costs of the sizes its trace uses. The sizes cover
 * AllocSet's freelist classes (8, 64, 512, 4096 bytes), the chunk limit
 * (8192, the largest chunk served from a block with PostgreSQL's default
 * sizes), dedicated blocks just above it (16384) and a large dedicated block
 * (1 MiB, above glibc's initial mmap threshold; the suite pins glibc's
 * thresholds, so it is heap memory here, see
 * {@link org.allocbench.nativecore.GlibcMalloc}). There is no floor lane: the
 * replay floor needs a trace; {@link DowncallOverheadBenchmark} gives the
 * binding's own cost.
 *
 * <p>Two methods, one idea each:
 * <ul>
 * <li>{@link #allocFreePair}: allocate one chunk, touch it, free it. The
 * steady state of a palloc/pfree loop: each allocator's fastest path for the
 * size (a freelist, a tcache, a cached dedicated block or an mmap + munmap,
 * whichever the allocator does at that size; that is the point). Allocators
 * that cannot free single allocations ({@code jdk-arena}, {@code jdk-slicing})
 * fail this pair in {@code @Setup} with the reason: emulating the free by a
 * reset every N ops would measure a different thing under the same name.</li>
 * <li>{@link #allocThenReset}: allocate a batch of {@value #BATCH} chunks,
 * touching each, then reset; the score is per allocation, reset included
 * (amortised over the batch). The per-tuple context's shape: no frees, one
 * bulk release. Every allocator's handles go into the same array; those
 * without a bulk release ({@code bulkReset} false: malloc and friends, Netty)
 * are then given a free for each, as the replay loop does. At 1 MiB a batch
 * is 1 GiB of address space.</li>
 * </ul>
 *
 * <p>Pitfalls named (JMH samples style): the size is a {@code @Param} field,
 * read per call, never a compile-time constant the JIT could fold into the
 * allocator's size-class computation; every chunk is touched at both ends (the
 * trace format's rule), otherwise allocators that mmap large requests lazily
 * would look free; the handle is returned (or summed and returned), so nothing
 * is dead code; the loop in {@link #allocThenReset} is deliberate (the batch
 * of live chunks is the workload, not a way to amortise call overhead) and
 * {@code @OperationsPerInvocation} turns it into a per-allocation figure;
 * each (allocator, size) pair runs in its own fork, so the interface calls see
 * one implementation and inline; one instance lives for the whole trial
 * ({@code @Setup(Level.Trial)}), so instance creation is never timed, and the
 * first allocations of a fresh instance (block growth) fall into warm-up.
 *
 * <p>The full matrix (11 allocators x 7 sizes x 2 methods) takes about 25
 * minutes; narrow it with {@code -p}, e.g. {@code allocbench bench
 * SizeClassBenchmark -p allocator=aset-native,glibc -p size=64,16384}.
 * One fork by default to keep that affordable; add {@code -f 2} or more for
 * figures to publish.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SizeClassBenchmark {

    /** Allocations per {@link #allocThenReset} invocation. */
    public static final int BATCH = 1000;

    @Param({"aset-native", "aset-pg15", "aset-java", "glibc", "jemalloc", "mimalloc", "mimalloc-heap", "tcmalloc",
        "jdk-arena", "jdk-slicing", "netty-pooled"})
    public String allocator;

    @Param({"8", "64", "512", "4096", "8192", "16384", "1048576"})
    public long size;

    private Allocator instance;
    private boolean bulk;
    private final long[] batch = new long[BATCH];

    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        AllocatorFactory factory = Allocators.byName(allocator);
        if (!factory.availability().available()) {
            throw new IllegalStateException(allocator + " is unavailable here: " + factory.availability().reason());
        }
        GlibcMalloc.pinThisProcess();
        instance = factory.create();
        bulk = instance.capabilities().bulkReset() || !instance.capabilities().individualFree();
        if (params.getBenchmark().endsWith(".allocFreePair") && !instance.capabilities().individualFree()) {
            instance.close();
            throw new UnsupportedOperationException(allocator + " cannot free single allocations, so it has no"
                    + " alloc+free pair; see allocThenReset for its per-allocation cost");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (instance != null) {
            instance.close();
        }
    }

    @Benchmark
    public long allocFreePair() {
        long handle = instance.alloc(size);
        ReplayLoop.touch(instance, handle, size, false);
        instance.free(handle);
        return handle;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long allocThenReset() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            long handle = instance.alloc(size);
            ReplayLoop.touch(instance, handle, size, false);
            batch[i] = handle;
            sum += handle;
        }
        if (!bulk) {
            for (int i = 0; i < BATCH; i++) {
                instance.free(batch[i]);
            }
        }
        instance.reset();
        return sum;
    }
}
