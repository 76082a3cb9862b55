package org.allocbench.nativecore;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * What the C library reports about a context (or its subtree): its counters,
 * MemoryContextStats' text and pg_backend_memory_contexts-style rows. Each
 * call takes the handle of the library that owns the context, since a
 * library variant's contexts are read through that variant's own functions.
 * None of these is on a hot path.
 */
final class ContextReports {

    private ContextReports() {
    }

    /** {@code ab_stats}: the context's counters, with its descendants' if {@code recurse}. */
    static MemoryContextCounters counters(MethodHandle stats, long context, boolean recurse) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment out = scratch.allocate(NativeStructs.COUNTERS);
            stats.invokeExact(context, recurse ? 1 : 0, out);
            return NativeStructs.readCounters(out, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code ab_stats_dump}: the subtree's MemoryContextStats text, at most {@code maxChildren} per parent. */
    static String dump(MethodHandle statsDump, long context, int maxChildren) {
        try (Arena scratch = Arena.ofConfined()) {
            long needed = (long) statsDump.invokeExact(context, maxChildren, MemorySegment.NULL, 0L);
            MemorySegment buffer = scratch.allocate(needed + 1);
            long written = (long) statsDump.invokeExact(context, maxChildren, buffer, needed + 1);
            assert written == needed;
            return buffer.getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code ab_context_rows}: the subtree's rows, parents before children. */
    static List<MemoryContextRow> rows(MethodHandle contextRows, long context) {
        try (Arena scratch = Arena.ofConfined()) {
            long count = (long) contextRows.invokeExact(context, MemorySegment.NULL, 0L);
            MemorySegment rows = scratch.allocate(NativeStructs.ROW, count);
            long written = (long) contextRows.invokeExact(context, rows, count);
            List<MemoryContextRow> result = new ArrayList<>((int) written);
            for (long i = 0; i < written; i++) {
                result.add(NativeStructs.readRow(rows, i));
            }
            return result;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
