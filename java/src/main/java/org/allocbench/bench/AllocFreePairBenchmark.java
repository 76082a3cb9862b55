package org.allocbench.bench;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.allocbench.alloc.LibcMalloc;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.NativeMemoryContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One idea: what an allocate+free pair costs through FFM, native AllocSet
 * against glibc malloc, over identical bindings (pointers as long, same
 * critical option). The pair is the unit because either call alone would
 * measure a growing heap or a freelist drained to nothing.
 *
 * <p>Pitfalls named: the handles are static finals so the JIT treats them as
 * constants; the pointer flows into the free call, so nothing is dead code;
 * both allocators hit their fastest path (AllocSet's freelist, glibc's
 * tcache), which is exactly the steady state of a palloc/pfree-heavy loop.
 * Run it with {@code DowncallOverheadBenchmark} to see how much of each pair
 * is the binding itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AllocFreePairBenchmark {

    private static final MethodHandle ASET_ALLOC_CRITICAL = AllocSetNative.allocHandle(true);
    private static final MethodHandle ASET_FREE_CRITICAL = AllocSetNative.freeHandle(true);
    private static final MethodHandle ASET_ALLOC = AllocSetNative.allocHandle(false);
    private static final MethodHandle ASET_FREE = AllocSetNative.freeHandle(false);
    private static final MethodHandle MALLOC_CRITICAL = LibcMalloc.mallocHandle(true);
    private static final MethodHandle FREE_CRITICAL = LibcMalloc.freeHandle(true);
    private static final MethodHandle MALLOC = LibcMalloc.mallocHandle(false);
    private static final MethodHandle FREE = LibcMalloc.freeHandle(false);

    @Param({"64"})
    public long size;

    private NativeMemoryContext context;
    private long contextAddress;

    @Setup(Level.Trial)
    public void createContext() {
        context = NativeMemoryContext.create("AllocFreePairBenchmark");
        contextAddress = context.address();
    }

    @TearDown(Level.Trial)
    public void deleteContext() {
        context.close();
    }

    @Benchmark
    public int allocSetCritical() throws Throwable {
        long p = (long) ASET_ALLOC_CRITICAL.invokeExact(contextAddress, size);
        return (int) ASET_FREE_CRITICAL.invokeExact(p);
    }

    @Benchmark
    public int allocSet() throws Throwable {
        long p = (long) ASET_ALLOC.invokeExact(contextAddress, size);
        return (int) ASET_FREE.invokeExact(p);
    }

    @Benchmark
    public long mallocCritical() throws Throwable {
        long p = (long) MALLOC_CRITICAL.invokeExact(size);
        FREE_CRITICAL.invokeExact(p);
        return p;
    }

    @Benchmark
    public long malloc() throws Throwable {
        long p = (long) MALLOC.invokeExact(size);
        FREE.invokeExact(p);
        return p;
    }
}
