package org.allocbench.bench;

import java.util.concurrent.TimeUnit;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.GlibcMalloc;
import org.allocbench.nativecore.NativeReplay;
import org.allocbench.trace.Workloads;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One idea: the same traces as {@link ReplayBenchmark}, replayed entirely in C
 * (one downcall per iteration of the trace), so "per-op FFM" (ReplayBenchmark's
 * {@code aset-native}) and "whole-trace native" can be compared on identical
 * work: `allocbench bench 'NativeReplayBenchmark|ReplayBenchmark' -p
 * allocator=aset-native`. One invocation is one iteration of the trace format
 * (create the context, replay every op touching both ends of each allocation,
 * delete it), as in ReplayBenchmark.
 *
 * <p>Lanes: {@code aset} is the native AllocSet with PostgreSQL's default
 * sizes (what {@code aset-native} uses); {@code aset-pg15} the same in
 * PostgreSQL 15's layout (liballocbench-pg15.so, what {@code aset-pg15}
 * uses); {@code glibc} is glibc's malloc, calloc, realloc and free in C, with
 * a free for each live chunk on R and at the end (the C loop keeps the live
 * set for every lane alike); {@code floor} is the C loop with no allocator
 * (see {@code ab_floor_plan}). The other peers' C lanes need the allocator
 * preloaded into a fresh process, which a JMH fork cannot be given: the
 * campaigns run them through {@link org.allocbench.replay.WholeTraceRunner}.
 *
 * <p>Pitfalls named: the trace is generated, copied into native memory and
 * validated in {@code @Setup} ({@link NativeReplay#prepare}), never timed;
 * validating per call (one-shot {@code ab_replay}) would add about 5 ns/op to
 * the score, since JMH times the whole call. What remains outside the replay
 * per invocation is one ordinary (non-critical) downcall, a calloc of the
 * slots array and a tiny confined arena for the output: microseconds at most
 * against a replay of about a millisecond. The native side's own clock for
 * the iteration is returned, so JMH consumes it.
 *
 * <p>{@code trace} may also be a trace file's path ({@code -p trace=/path/q17.trace}): the file's own ops
 * replay, and since the score is divided by {@link ReplayBenchmark#OPS}, multiply it by OPS / the file's op
 * count for ns per op (the campaign runner does that for {@link ReplayBenchmark}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ReplayBenchmark.OPS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class NativeReplayBenchmark {

    /** Not called {@code allocator}, so that {@code -p allocator=...} for ReplayBenchmark leaves both lanes here. */
    @Param({"aset", "aset-pg15", "glibc", "floor"})
    public String lane;

    @Param({"small-churn", "per-tuple-batches"})
    public String trace;

    @Param({"42"})
    public long seed;

    private NativeReplay.Lane replayLane;
    private NativeReplay.PreparedTrace prepared;

    @Setup(Level.Trial)
    public void prepare() {
        replayLane = switch (lane) {
            case "aset", "aset-pg15" -> NativeReplay.Lane.ALLOC_SET;
            case "glibc" -> NativeReplay.Lane.MALLOC;
            case "floor" -> NativeReplay.Lane.FLOOR;
            default -> throw new IllegalArgumentException("unknown lane \"" + lane + "\"; known: aset, aset-pg15, glibc,"
                    + " floor");
        };
        GlibcMalloc.pinThisProcess();
        OpSequence ops = Workloads.loadVerified(trace, null, ReplayBenchmark.OPS, seed); // a name or a file
        prepared = lane.equals("aset-pg15")
                ? NativeReplay.variant("pg15").prepare(ops.encoded(), ops.slots())
                : NativeReplay.prepare(ops.encoded(), ops.slots());
    }

    @TearDown(Level.Trial)
    public void close() {
        prepared.close();
    }

    @Benchmark
    public long replay() {
        return prepared.time(replayLane, AllocSetSizes.DEFAULT, 1)[0];
    }
}
