package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.measure.VerifiedSegment;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.ByteSize;
import org.allocbench.nativecore.PageAccess;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentBlockSource;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.replay.ReplayLoop;
import org.allocbench.trace.Workloads;
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
 * One idea: what a mapping's page size buys, on one segment of {@code size}
 * bytes (1 GiB by default: well above the TLB reach of 4 KiB pages, which is
 * a few MiB with a second-level TLB of 1-3 thousand entries, and within the
 * reach of 2 MiB pages on such a TLB). Three benchmarks, each over a fresh
 * segment of the parameterised mapping: {@code 4k} (normal pages),
 * {@code thp} (transparent huge pages, madvise), {@code 2m} and {@code 1g}
 * (hugetlb pages, huge_pages=on).
 * <ul>
 * <li>{@code firstTouch}: one write per 4 KiB into a fresh segment, which is
 * what faults it in (the kernel zeroes every page). SingleShotTime: the
 * segment is mapped before and unmapped after each invocation, outside the
 * time. The minor faults the touch took, per GiB, are the {@code faultsPerGiB}
 * counter: 262,144 for 4 KiB pages, 512 for 2 MiB, 1 for 1 GiB; THP near 512
 * if the kernel found huge pages, near 262,144 if it did not. JMH sums such a
 * counter over the iterations in its summary; the per-invocation value is the
 * mean of the iterations' raw values (what {@code allocbench hugepages}
 * prints).</li>
 * <li>{@code randomAccess}: ns per dependent load of a pointer chase through
 * one slot per 4 KiB page in random order (built and faulted in once per
 * trial), so nearly every load misses the TLB unless the pages are huge.</li>
 * <li>{@code replayOnSegment}: ns per op of the AllocSet replay (as
 * {@link ReplayBenchmark}'s {@code aset-native}) with the context's blocks
 * from a {@link SegmentBlockSource} over the segment; the {@code 4k} row is
 * the same on normal pages. Blocks are reused from the first invocation on,
 * so this is the steady state: the trace's working set is a few MiB, and
 * huge pages can only matter through the TLB.</li>
 * </ul>
 *
 * <p>Pitfalls named: huge pages must be reserved beforehand, and this
 * benchmark never reserves them (it needs root and outlives the run): a
 * missing reservation fails the setup with how many pages to reserve and how
 * ({@code allocbench hugepages} reserves them and restores the pool after).
 * A 1 GiB page needs 1 GiB of contiguous memory: a host may give only one.
 * The {@code 4k} and hugetlb segments are shared (MAP_SHARED, as PostgreSQL
 * maps its main segment), but THP on shared memory needs shmem_enabled, which
 * is "never" by default, so {@code thp} is a private mapping (the segment's
 * fallback says so): its faults take the anonymous-memory path, not shmem's.
 * Forks run one after another, not interleaved: compare ratios from one run.
 *
 * <p>Kinds: the defaults are the valid combinations for anonymous segments.
 * JMH crosses every parameter list, so select other kinds with their own
 * valid mappings: {@code -p kind=sysv -p mapping=4k,2m,1g} (no THP on SysV),
 * {@code -p kind=posix -p mapping=4k} (shm_open lives on tmpfs: no huge
 * pages). An invalid pair fails its own setup with the reason;
 * {@code allocbench hugepages --kinds} only ever runs valid pairs.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class HugePagesBenchmark {

    /** Dependent loads per randomAccess invocation: milliseconds, so the downcall is noise. */
    public static final int CHASE_STEPS = 1 << 16;

    private static final long GIB = 1L << 30;

    /** The mapping under test: the parameters every benchmark here shares. */
    @State(Scope.Thread)
    public abstract static class Segment {

        @Param({"4k", "thp", "2m", "1g"})
        public String mapping;

        /** anonymous, sysv or posix; see the class comment for their valid mappings. */
        @Param({"anonymous"})
        public String kind;

        @Param({"1g"})
        public String size;

        SharedSegment segment;

        final void map() {
            segment = VerifiedSegment.open(SegmentKind.parse(kind), PageMapping.byLabel(mapping),
                    ByteSize.parsePositive(size));
        }

        final void unmap() {
            if (segment != null) {
                segment.close();
                segment = null;
            }
        }
    }

    /** A segment mapped before and unmapped after every invocation. */
    public static class FreshSegment extends Segment {

        @Setup(Level.Invocation)
        public void setUp() {
            map();
        }

        @TearDown(Level.Invocation)
        public void tearDown() {
            unmap();
        }
    }

    /** The first touch's minor faults per GiB, reported beside its time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Faults {

        public double faultsPerGiB;

        @Setup(Level.Iteration)
        public void clear() {
            faultsPerGiB = 0;
        }
    }

    /** A segment linked into one random cycle once per trial; {@code position} carries on between invocations. */
    public static class ChaseSegment extends Segment {

        long position;

        @Setup(Level.Trial)
        public void setUp() {
            map();
            position = PageAccess.buildChase(segment.memory(), 42);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            unmap();
        }
    }

    /** A segment whose memory is the block source of the replayed AllocSet, and the trace. */
    public static class ReplaySegment extends Segment {

        @Param({"per-tuple-reset"})
        public String trace;

        @Param({"42"})
        public long seed;

        SegmentBlockSource source;
        ReplayLoop loop;

        @Setup(Level.Trial)
        public void setUp() {
            loop = new ReplayLoop(Workloads.loadVerified(trace, null, ReplayBenchmark.OPS, seed));
            map();
            source = new SegmentBlockSource(segment.memory());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            source.close();
            unmap();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public long firstTouch(FreshSegment s, Faults faults) {
        long taken = PageAccess.touch(s.segment.memory(), PageMapping.SMALL_PAGE);
        faults.faultsPerGiB += (double) taken * GIB / s.segment.size();
        return taken;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(CHASE_STEPS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public long randomAccess(ChaseSegment s) {
        s.position = PageAccess.chase(s.position, CHASE_STEPS);
        return s.position;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(ReplayBenchmark.OPS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public void replayOnSegment(ReplaySegment s) {
        s.loop.iteration(() -> new NativeAllocSetAllocator(AllocSetSizes.DEFAULT, s.source));
    }
}
