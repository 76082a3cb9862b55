package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The per-op calls of a library variant (e.g. "pg15": liballocbench-pg15.so,
 * PostgreSQL 15's 16-byte chunk header), loaded beside the main library.
 *
 * <p>A record on purpose: HotSpot trusts record fields as constants, so an
 * allocator that keeps its variant in a {@code static final} field calls
 * through constant method handles, as fast as {@link AllocSetNative}'s static
 * ones (an ordinary instance field of handles measured about 3 ns slower per
 * call). Like AllocSetNative's unchecked calls, these trust their pointers.
 */
public record AllocSetVariant(String name, MethodHandle create, MethodHandle alloc, MethodHandle realloc,
        MethodHandle free, MethodHandle reset, MethodHandle delete, MethodHandle stats, MethodHandle variantName,
        MethodHandle errorCode, MethodHandle errorMessage, MethodHandle errorDetail, MethodHandle statsDump,
        MethodHandle contextRows) {

    public static AllocSetVariant load(String name) {
        SymbolLookup lookup = NativeLibrary.variant(name);
        String library = "liballocbench-" + name + ".so";
        return new AllocSetVariant(name,
                Downcalls.link(lookup, library, "ab_aset_create",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG), false),
                Downcalls.link(lookup, library, "ab_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true),
                Downcalls.link(lookup, library, "ab_realloc_extended",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT), true),
                Downcalls.link(lookup, library, "ab_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), true),
                Downcalls.link(lookup, library, "ab_reset", FunctionDescriptor.ofVoid(JAVA_LONG), true),
                Downcalls.link(lookup, library, "ab_delete", FunctionDescriptor.ofVoid(JAVA_LONG), true),
                Downcalls.link(lookup, library, "ab_stats", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, ADDRESS), true),
                Downcalls.link(lookup, library, "ab_variant", FunctionDescriptor.of(ADDRESS), true),
                Downcalls.link(lookup, library, "ab_error_code", FunctionDescriptor.of(JAVA_INT), true),
                Downcalls.link(lookup, library, "ab_error_message", FunctionDescriptor.of(ADDRESS), true),
                Downcalls.link(lookup, library, "ab_error_detail", FunctionDescriptor.of(ADDRESS), true),
                // walk whole trees: ordinary calls, as AllocSetNative's
                Downcalls.link(lookup, library, "ab_stats_dump",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), false),
                Downcalls.link(lookup, library, "ab_context_rows",
                        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), false));
    }

    /** What the library says it is ("pg15"). */
    public String layout() {
        try {
            return NativeStructs.cString((MemorySegment) variantName.invokeExact());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** A root AllocSet context; returns its address. */
    public long createContext(String contextName, AllocSetSizes sizes) {
        return createChild(0L, contextName, sizes);
    }

    /** An AllocSet context under {@code parent} (0: a root); returns its address. */
    public long createChild(long parent, String contextName, AllocSetSizes sizes) {
        long context;
        try (Arena arena = Arena.ofConfined()) {
            context = (long) create.invokeExact(parent, arena.allocateFrom(contextName), sizes.minContextSize(),
                    sizes.initBlockSize(), sizes.maxBlockSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (context == 0) {
            throw error();
        }
        return context;
    }

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

    public void uncheckedReset(long context) {
        try {
            reset.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public void deleteContext(long context) {
        try {
            delete.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The context's own counters (MemoryContextCounters semantics). */
    public MemoryContextCounters stats(long context) {
        return ContextReports.counters(stats, context, false);
    }

    /** The subtree's MemoryContextStats text (PostgreSQL's format, 100 children per parent). */
    public String dump(long context) {
        return ContextReports.dump(statsDump, context, NativeMemoryContext.DEFAULT_DUMP_MAX_CHILDREN);
    }

    /** The subtree's pg_backend_memory_contexts-style rows, parents before children. */
    public java.util.List<MemoryContextRow> rows(long context) {
        return ContextReports.rows(contextRows, context);
    }

    private MemoryContextException error() {
        return NativeError.last(errorCode, errorMessage, errorDetail).asContextException();
    }
}
