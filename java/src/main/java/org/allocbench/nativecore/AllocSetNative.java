package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The downcall handles of {@code liballocbench.so}, and thin unchecked
 * wrappers over the hot ones.
 *
 * <p>Two choices keep the per-call cost down, because a benchmark of an
 * allocator through FFM measures the binding too:
 * <ul>
 * <li>Pointers cross as {@code JAVA_LONG}, not {@code ADDRESS}: on x86-64 SysV a
 * pointer and a 64-bit integer travel in the same register, and a long needs no
 * {@link MemorySegment} wrapper on either side.</li>
 * <li>Calls that neither block nor call back into Java are linked with
 * {@link Linker.Option#critical(boolean) critical(false)}, which skips the
 * thread-state transition (GC waits for such a call to return, so only short
 * calls qualify). The text dump and row listing walk whole trees and stay
 * ordinary calls.</li>
 * </ul>
 *
 * <p>The {@code unchecked*} wrappers do no liveness checking in Java: they are
 * for benchmarks and replay loops that own their pointers. Errors still come
 * back as {@link MemoryContextException}s, never a longjmp.
 * {@link NativeMemoryContext} is the safe API.
 */
public final class AllocSetNative {

    private static final String LIBRARY = "liballocbench.so";

    // hot paths, critical
    static final MethodHandle ALLOC = critical("ab_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle ALLOC_EXTENDED = critical("ab_alloc_extended",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle REALLOC_EXTENDED = critical("ab_realloc_extended",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle FREE = critical("ab_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle RESET = critical("ab_reset", FunctionDescriptor.ofVoid(JAVA_LONG));
    static final MethodHandle NOOP = critical("ab_noop", FunctionDescriptor.ofVoid());

    // the same, as ordinary downcalls: what the binding costs without critical
    static final MethodHandle ALLOC_PLAIN = plain("ab_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle FREE_PLAIN = plain("ab_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle NOOP_PLAIN = plain("ab_noop", FunctionDescriptor.ofVoid());

    // context lifecycle and queries
    static final MethodHandle CREATE = plain("ab_aset_create",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle CREATE_WITH_SOURCE = plain("ab_aset_create_with_source",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    static final MethodHandle DELETE = critical("ab_delete", FunctionDescriptor.ofVoid(JAVA_LONG));
    static final MethodHandle SET_PARENT = critical("ab_set_parent", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SET_IDENT = plain("ab_set_ident", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle CHUNK_CAPACITY = critical("ab_chunk_capacity", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle CHUNK_SPACE = critical("ab_chunk_space", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle ALLOC_CHUNK_LIMIT = critical("ab_alloc_chunk_limit",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle MEM_ALLOCATED = critical("ab_mem_allocated",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle FREELIST_LENGTH = critical("ab_freelist_length",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle SIZE_CLASS = critical("ab_size_class", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));

    // statistics
    static final MethodHandle STATS = critical("ab_stats", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, ADDRESS));
    static final MethodHandle STATS_DUMP = plain("ab_stats_dump",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle CONTEXT_ROWS = plain("ab_context_rows",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));

    // block sources
    static final MethodHandle COUNTING_SOURCE_INIT = plain("ab_counting_source_init",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));

    // errors and self-description
    static final MethodHandle ERROR_CODE = critical("ab_error_code", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle ERROR_MESSAGE = critical("ab_error_message", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle ERROR_DETAIL = critical("ab_error_detail", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle SIZEOF_COUNTERS = critical("ab_sizeof_counters", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle SIZEOF_ROW = critical("ab_sizeof_row", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle VARIANT = critical("ab_variant", FunctionDescriptor.of(ADDRESS));

    static {
        NativeStructs.checkAgainst(sizeof(SIZEOF_COUNTERS), sizeof(SIZEOF_ROW));
    }

    private AllocSetNative() {
    }

    private static MethodHandle critical(String name, FunctionDescriptor descriptor) {
        return Downcalls.link(NativeLibrary.lookup(), LIBRARY, name, descriptor, true);
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return Downcalls.link(NativeLibrary.lookup(), LIBRARY, name, descriptor, false);
    }

    private static long sizeof(MethodHandle handle) {
        try {
            return (long) handle.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The handle of {@code void *ab_alloc(AbContext *, size_t)} as (long, long) -> long. */
    public static MethodHandle allocHandle(boolean critical) {
        return critical ? ALLOC : ALLOC_PLAIN;
    }

    /** The handle of {@code int ab_free(void *)} as (long) -> int. */
    public static MethodHandle freeHandle(boolean critical) {
        return critical ? FREE : FREE_PLAIN;
    }

    /** The handle of {@code void ab_noop(void)}: the cost of a downcall itself. */
    public static MethodHandle noopHandle(boolean critical) {
        return critical ? NOOP : NOOP_PLAIN;
    }

    /** Which build of the native core is loaded ("pg16": PostgreSQL 16+ chunk headers). */
    public static String variant() {
        try {
            return NativeStructs.cString((MemorySegment) VARIANT.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** palloc without Java-side checks. Returns the chunk's address. */
    public static long uncheckedAlloc(long context, long size) {
        long pointer;
        try {
            pointer = (long) ALLOC.invokeExact(context, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (pointer == 0) {
            throw MemoryContextException.fromNative();
        }
        return pointer;
    }

    /** pfree without Java-side checks: the pointer must be a live chunk. */
    public static void uncheckedFree(long pointer) {
        int rc;
        try {
            rc = (int) FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw MemoryContextException.fromNative();
        }
    }

    /** repalloc without Java-side checks. Returns the (possibly moved) chunk's address. */
    public static long uncheckedRealloc(long pointer, long size) {
        long moved;
        try {
            moved = (long) REALLOC_EXTENDED.invokeExact(pointer, size, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (moved == 0) {
            throw MemoryContextException.fromNative();
        }
        return moved;
    }

    /** MemoryContextReset without Java-side checks. */
    public static void uncheckedReset(long context) {
        try {
            RESET.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** MemoryContextDelete without Java-side checks: the context and its descendants; it must be live. */
    public static void uncheckedDelete(long context) {
        try {
            DELETE.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The context's own counters without Java-side checks (not a hot path: it walks the blocks). */
    public static MemoryContextCounters uncheckedStats(long context) {
        return ContextReports.counters(STATS, context, false);
    }

    /** The subtree's MemoryContextStats text without Java-side checks (PostgreSQL's format, 100 children per parent). */
    public static String uncheckedDump(long context) {
        return ContextReports.dump(STATS_DUMP, context, NativeMemoryContext.DEFAULT_DUMP_MAX_CHILDREN);
    }

    /** The subtree's pg_backend_memory_contexts-style rows without Java-side checks, parents before children. */
    public static java.util.List<MemoryContextRow> uncheckedRows(long context) {
        return ContextReports.rows(CONTEXT_ROWS, context);
    }

    /** The freelist (size class) index of a request size, 0..10, or -1 above 8192 bytes. */
    public static int sizeClass(long size) {
        try {
            return (int) SIZE_CLASS.invokeExact(size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        return Downcalls.rethrow(t);
    }
}
