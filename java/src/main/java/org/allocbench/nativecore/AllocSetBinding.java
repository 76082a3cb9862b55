package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * One build of the native AllocSet linked: the main library
 * ({@code liballocbench.so}, PostgreSQL 16+ layout, {@link #main()}) or a
 * variant loaded beside it ({@link #load}, e.g. "pg15":
 * {@code liballocbench-pg15.so}, PostgreSQL 15's 16-byte chunk header), each
 * with its own contexts and its own error slot. Its {@code unchecked*} calls
 * are the per-op path of benchmarks and replay loops that own their pointers:
 * no liveness checking in Java, errors still come back as
 * {@link MemoryContextException}s, never a longjmp. {@link NativeMemoryContext}
 * is the safe API over the main library.
 *
 * <p><b>Why a record.</b> A downcall handle is a constant to the JIT only when
 * it is read from a constant: a {@code static final} field, or a final field
 * of a constant object whose fields HotSpot trusts, and it trusts a record's
 * fields. So a binding held in a {@code static final} field
 * ({@link AllocSetNative}'s for the main library; the allocator's own holder
 * for a variant) calls through constant handles, as fast as handles that are
 * each a {@code static final} of their own. A binding held in an instance
 * field is not a constant: its calls measured about 3 ns slower each.
 *
 * <p>Linked as {@link AllocSetNative} explains: pointers as {@code JAVA_LONG};
 * calls that neither block nor call back into Java with {@code critical(false)};
 * creation, the text dump and the row listing (which walk and allocate) as
 * ordinary calls.
 */
public record AllocSetBinding(String library, MethodHandle create, MethodHandle createWithSource,
        MethodHandle alloc, MethodHandle realloc, MethodHandle free, MethodHandle reset, MethodHandle delete,
        MethodHandle stats, MethodHandle statsDump, MethodHandle contextRows, MethodHandle variant,
        MethodHandle errorCode, MethodHandle errorMessage, MethodHandle errorDetail) {

    /** The main library's binding (loading it on first use). */
    public static AllocSetBinding main() {
        return AllocSetNative.MAIN;
    }

    /** A variant of the library ({@code liballocbench-NAME.so}), loaded once, linked anew by each call. */
    public static AllocSetBinding load(String name) {
        return link(NativeLibrary.variant(name), "liballocbench-" + name + ".so");
    }

    static AllocSetBinding link(SymbolLookup lookup, String library) {
        return new AllocSetBinding(library,
                handle(lookup, library, false, "ab_aset_create",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG)),
                handle(lookup, library, false, "ab_aset_create_with_source",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS)),
                handle(lookup, library, true, "ab_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG)),
                handle(lookup, library, true, "ab_realloc_extended",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT)),
                handle(lookup, library, true, "ab_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG)),
                handle(lookup, library, true, "ab_reset", FunctionDescriptor.ofVoid(JAVA_LONG)),
                handle(lookup, library, true, "ab_delete", FunctionDescriptor.ofVoid(JAVA_LONG)),
                handle(lookup, library, true, "ab_stats", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, ADDRESS)),
                handle(lookup, library, false, "ab_stats_dump",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG)),
                handle(lookup, library, false, "ab_context_rows",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG)),
                handle(lookup, library, true, "ab_variant", FunctionDescriptor.of(ADDRESS)),
                handle(lookup, library, true, "ab_error_code", FunctionDescriptor.of(JAVA_INT)),
                handle(lookup, library, true, "ab_error_message", FunctionDescriptor.of(ADDRESS)),
                handle(lookup, library, true, "ab_error_detail", FunctionDescriptor.of(ADDRESS)));
    }

    private static MethodHandle handle(SymbolLookup lookup, String library, boolean critical, String name,
            FunctionDescriptor descriptor) {
        return Downcalls.link(lookup, library, name, descriptor, critical);
    }

    /** What the library says it is: "pg16" (PostgreSQL 16+ chunk headers), "pg15", "pg16-check", ... */
    public String layout() {
        try {
            return NativeStructs.cString((MemorySegment) variant.invokeExact());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** A root AllocSet context taking its blocks from malloc; returns its address. */
    public long createContext(String contextName, AllocSetSizes sizes) {
        return createContext(0, contextName, sizes, null);
    }

    /**
     * A root AllocSet context taking its blocks from {@code source} (a shared segment's pages, a counting
     * wrapper); returns its address. Delete it with {@link #deleteContext(long, NativeBlockSource)}.
     */
    public long createContext(String contextName, AllocSetSizes sizes, NativeBlockSource source) {
        return createContext(0, contextName, sizes, source);
    }

    /** A context under {@code parent} (0: a root), its blocks from {@code source} (null: malloc). */
    long createContext(long parent, String contextName, AllocSetSizes sizes, NativeBlockSource source) {
        long context;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment cName = scratch.allocateFrom(contextName);
            context = source == null
                    ? (long) create.invokeExact(parent, cName, sizes.minContextSize(), sizes.initBlockSize(),
                            sizes.maxBlockSize())
                    : (long) createWithSource.invokeExact(parent, cName, sizes.minContextSize(),
                            sizes.initBlockSize(), sizes.maxBlockSize(), source.attach());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (context == 0) {
            MemoryContextException error = error();
            if (source != null) {
                source.detach();
            }
            throw error;
        }
        return context;
    }

    /** MemoryContextDelete of a context made by {@link #createContext(String, AllocSetSizes)}. */
    public void deleteContext(long context) {
        try {
            delete.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** MemoryContextDelete of a context made on {@code source} (null: malloc), which it then stops using. */
    public void deleteContext(long context, NativeBlockSource source) {
        deleteContext(context);
        if (source != null) {
            source.detach();
        }
    }

    /** palloc without Java-side checks. Returns the chunk's address. */
    public long uncheckedAlloc(long context, long size) {
        long pointer;
        try {
            pointer = (long) alloc.invokeExact(context, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (pointer == 0) {
            throw error();
        }
        return pointer;
    }

    /** repalloc without Java-side checks. Returns the (possibly moved) chunk's address. */
    public long uncheckedRealloc(long pointer, long size) {
        long moved;
        try {
            moved = (long) realloc.invokeExact(pointer, size, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (moved == 0) {
            throw error();
        }
        return moved;
    }

    /** pfree without Java-side checks: the pointer must be a live chunk. */
    public void uncheckedFree(long pointer) {
        int rc;
        try {
            rc = (int) free.invokeExact(pointer);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (rc != 0) {
            throw error();
        }
    }

    /** MemoryContextReset without Java-side checks. */
    public void uncheckedReset(long context) {
        try {
            reset.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The context's own counters (MemoryContextCounters semantics). */
    public MemoryContextCounters stats(long context) {
        return ContextReports.counters(stats, context, false);
    }

    /** The context's MemoryContextStats text, PostgreSQL's format, 100 children per parent. */
    public String dump(long context) {
        return ContextReports.dump(statsDump, context, NativeMemoryContext.DEFAULT_DUMP_MAX_CHILDREN);
    }

    /** The context's pg_backend_memory_contexts-style rows, parents before children. */
    public List<MemoryContextRow> rows(long context) {
        return ContextReports.rows(contextRows, context);
    }

    /** The last error of a call into this library, from its own error slot. */
    MemoryContextException error() {
        return NativeError.last(errorCode, errorMessage, errorDetail).asContextException();
    }
}
