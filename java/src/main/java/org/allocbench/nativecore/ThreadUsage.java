package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The calling thread's minor page faults, from {@code getrusage(RUSAGE_THREAD)}:
 * read before and after a timed replay (never inside it), they say how much of
 * an ns/op figure was the kernel handing out fresh pages. Per thread, so the
 * JIT and GC threads of the same JVM do not count.
 */
public final class ThreadUsage {

    private static final int RUSAGE_THREAD = 1;
    /** struct rusage on x86-64 Linux: two struct timeval (16 bytes each), then longs; ru_minflt is the 7th field. */
    private static final long RU_MINFLT_OFFSET = 16 + 16 + 4 * 8;
    private static final long RUSAGE_BYTES = 144;

    private static final MethodHandle GETRUSAGE = Downcalls.link(Downcalls.libc(), "the C library", "getrusage",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), true);

    /** One buffer per thread, so reading the counter allocates nothing. */
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(RUSAGE_BYTES, 8));

    private ThreadUsage() {
    }

    /** Minor faults of the calling thread so far; -1 if the kernel would not say. */
    public static long minorFaults() {
        MemorySegment usage = BUFFER.get();
        try {
            int rc = (int) GETRUSAGE.invokeExact(RUSAGE_THREAD, usage);
            return rc == 0 ? usage.get(JAVA_LONG, RU_MINFLT_OFFSET) : -1;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
