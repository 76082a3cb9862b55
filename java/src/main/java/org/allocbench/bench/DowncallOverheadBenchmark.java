package org.allocbench.bench;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.allocbench.nativecore.AllocSetNative;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One idea: the cost of a downcall that does nothing, with and without
 * {@code critical}. Subtract it (twice) from an alloc+free pair to see what
 * the allocator itself costs; it is the floor of every per-op figure the
 * suite reports through FFM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class DowncallOverheadBenchmark {

    private static final MethodHandle NOOP_CRITICAL = AllocSetNative.noopHandle(true);
    private static final MethodHandle NOOP = AllocSetNative.noopHandle(false);

    @Benchmark
    public void noopCritical() throws Throwable {
        NOOP_CRITICAL.invokeExact();
    }

    @Benchmark
    public void noop() throws Throwable {
        NOOP.invokeExact();
    }
}
