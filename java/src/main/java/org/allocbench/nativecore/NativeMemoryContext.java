package org.allocbench.nativecore;

import static org.allocbench.nativecore.AllocSetNative.rethrow;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A native AllocSet memory context: PostgreSQL's palloc/pfree/repalloc,
 * reset and delete, context trees and statistics, as a
 * {@link SegmentAllocator}.
 *
 * <h2>Safety: scopes, not trust</h2>
 * Every segment handed out is bound to a scope that dies with the memory
 * behind it, so a stale segment throws instead of reading freed memory:
 * <ul>
 * <li>Chunks up to {@link #allocChunkLimit()} are carved from the context's
 * blocks, which are only released by {@link #reset()} or {@link #close()}.
 * Their segments share one confined arena per "generation" of the context,
 * closed by reset and delete.</li>
 * <li>Larger chunks get a dedicated block that {@link #free} and
 * {@link #reallocate} hand back to malloc at once, so each gets its own arena,
 * closed when its block goes.</li>
 * </ul>
 * Freeing or reallocating checks that the segment is a live chunk of this
 * context (not freed already, not a slice, not from elsewhere), so a bad
 * argument is an exception, never a corrupted freelist or a crashed JVM. The
 * price is a hash lookup per free; benchmarks that own their pointers use
 * {@link AllocSetNative}'s unchecked calls instead. A small chunk's segment stays
 * readable after {@code free} until the next reset (the memory is still the
 * context's), as in PostgreSQL; reading it is a bug this class cannot see.
 *
 * <h2>Threads and trees</h2>
 * Like an {@code Arena.ofConfined()}, a context tree belongs to the thread that
 * created its root; other threads get {@link WrongThreadException}. Resetting a
 * context deletes its children; deleting deletes all descendants. Java objects
 * of deleted contexts throw {@link IllegalStateException} on use, and
 * {@link #close()} on them does nothing, so try-with-resources on a child whose
 * parent went first is fine.
 */
public final class NativeMemoryContext implements SegmentAllocator, AutoCloseable {

    /** PostgreSQL's default for how many children a dump lists per parent. */
    public static final int DEFAULT_DUMP_MAX_CHILDREN = 100;

    private final Thread owner;
    private final String name;
    private final NativeBlockSource source;
    private final long allocChunkLimit;
    private final List<NativeMemoryContext> children = new ArrayList<>();
    /** Live chunks: address to the arena scoping its segment (the generation, or its own). */
    private final Long2ObjectOpenHashMap<Arena> liveChunks = new Long2ObjectOpenHashMap<>();
    private long address;
    private NativeMemoryContext parent;
    private Arena generation = Arena.ofConfined();

    private NativeMemoryContext(long address, String name, NativeMemoryContext parent, NativeBlockSource source) {
        this.owner = Thread.currentThread();
        this.address = address;
        this.name = name;
        this.parent = parent;
        this.source = source;
        try {
            this.allocChunkLimit = (long) AllocSetNative.ALLOC_CHUNK_LIMIT.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A root context with PostgreSQL's default sizes (0, 8 KB, 8 MB). */
    public static NativeMemoryContext create(String name) {
        return create(name, AllocSetSizes.DEFAULT);
    }

    /** A root context. */
    public static NativeMemoryContext create(String name, AllocSetSizes sizes) {
        return create(null, name, sizes, null);
    }

    /** A root context whose blocks (and its descendants') come from {@code source} (counting, or a segment). */
    public static NativeMemoryContext create(String name, AllocSetSizes sizes, NativeBlockSource source) {
        return create(null, name, sizes, Objects.requireNonNull(source, "source"));
    }

    /** A child context with the default sizes; it shares this context's block source. */
    public NativeMemoryContext createChild(String childName) {
        return createChild(childName, AllocSetSizes.DEFAULT);
    }

    /** A child context; it shares this context's block source. */
    public NativeMemoryContext createChild(String childName, AllocSetSizes sizes) {
        checkUsable();
        NativeMemoryContext child = create(this, childName, sizes, source);
        children.addFirst(child); // newest first, as the native list
        return child;
    }

    /**
     * A child context of {@code parentAddress} (this context, or a context made by this method under it), on
     * this context's block source, and nothing on the Java side: no {@link NativeMemoryContext} object, no
     * thread check, no entry in {@link #children()}. For an allocator that keeps its own tree of context
     * addresses and drives them with {@link AllocSetNative}'s unchecked calls (a version 2 replay, which may
     * create a context on any of its threads). Such a child never outlives this context: deleting or resetting
     * an ancestor deletes it natively, so it does not count as a user of the block source. Returns the address.
     *
     * @throws MemoryContextException for sizes the AllocSet refuses (the native message) or out of memory
     */
    public long uncheckedChild(long parentAddress, String childName, AllocSetSizes sizes) {
        Objects.requireNonNull(childName, "childName");
        if (address == 0) {
            throw new IllegalStateException("memory context \"" + name + "\" has been deleted");
        }
        long child;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment cName = scratch.allocateFrom(childName);
            child = source == null
                    ? (long) AllocSetNative.CREATE.invokeExact(parentAddress, cName, sizes.minContextSize(),
                            sizes.initBlockSize(), sizes.maxBlockSize())
                    : (long) AllocSetNative.CREATE_WITH_SOURCE.invokeExact(parentAddress, cName,
                            sizes.minContextSize(), sizes.initBlockSize(), sizes.maxBlockSize(), source.source());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (child == 0) {
            throw MemoryContextException.fromNative();
        }
        return child;
    }

    private static NativeMemoryContext create(NativeMemoryContext parent, String name, AllocSetSizes sizes,
            NativeBlockSource source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sizes, "sizes");
        long parentAddress = parent == null ? 0 : parent.address;
        long address;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment cName = scratch.allocateFrom(name);
            address = source == null
                    ? (long) AllocSetNative.CREATE.invokeExact(parentAddress, cName, sizes.minContextSize(),
                            sizes.initBlockSize(), sizes.maxBlockSize())
                    : (long) AllocSetNative.CREATE_WITH_SOURCE.invokeExact(parentAddress, cName,
                            sizes.minContextSize(), sizes.initBlockSize(), sizes.maxBlockSize(), source.attach());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (address == 0) {
            MemoryContextException error = MemoryContextException.fromNative();
            if (source != null) {
                source.detach();
            }
            throw error;
        }
        return new NativeMemoryContext(address, name, parent, source);
    }

    // ---- allocation ----

    /**
     * palloc. Alignment up to 8 (MAXALIGN) is what AllocSet chunks have; larger
     * alignments are refused rather than silently not honoured.
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment " + byteAlignment + " is not a power of two");
        }
        if (byteAlignment > 8) {
            throw new IllegalArgumentException("alignment " + byteAlignment
                    + " is not supported: AllocSet chunks are 8-byte aligned (MAXALIGN)");
        }
        return allocateExtended(byteSize, 0);
    }

    /** palloc0. */
    public MemorySegment allocateZeroed(long byteSize) {
        return allocateExtended(byteSize, AllocFlags.ZERO);
    }

    /**
     * palloc_extended with {@link AllocFlags}. With {@link AllocFlags#NO_OOM},
     * an out-of-memory failure returns {@link MemorySegment#NULL}.
     */
    public MemorySegment allocateExtended(long byteSize, int flags) {
        checkUsable();
        checkSize(byteSize);
        if ((flags & ~(AllocFlags.HUGE | AllocFlags.NO_OOM | AllocFlags.ZERO)) != 0) {
            throw new IllegalArgumentException("unknown allocation flags 0x" + Integer.toHexString(flags));
        }
        long pointer;
        try {
            pointer = (long) AllocSetNative.ALLOC_EXTENDED.invokeExact(address, byteSize, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (pointer == 0) {
            return failed(flags);
        }
        return track(pointer, byteSize, byteSize > allocChunkLimit);
    }

    /**
     * repalloc: the returned segment has the new size and the old contents; the
     * old segment must not be used again. On failure the old chunk is unchanged.
     */
    public MemorySegment reallocate(MemorySegment segment, long newSize) {
        return reallocateExtended(segment, newSize, 0);
    }

    /** repalloc_extended with {@link AllocFlags#HUGE} and/or {@link AllocFlags#NO_OOM}. */
    public MemorySegment reallocateExtended(MemorySegment segment, long newSize, int flags) {
        checkUsable();
        Arena scope = liveScope(segment, "reallocate");
        checkSize(newSize);
        if ((flags & ~(AllocFlags.HUGE | AllocFlags.NO_OOM)) != 0) {
            throw new IllegalArgumentException("reallocate takes only HUGE and NO_OOM, not flags 0x"
                    + Integer.toHexString(flags));
        }
        long moved;
        try {
            moved = (long) AllocSetNative.REALLOC_EXTENDED.invokeExact(segment.address(), newSize, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (moved == 0) {
            return failed(flags);
        }
        boolean wasExternal = scope != generation;
        forget(segment.address(), scope);
        // a dedicated block stays dedicated; a small chunk becomes one when it outgrows the limit
        return track(moved, newSize, wasExternal || newSize > allocChunkLimit);
    }

    /** pfree. */
    public void free(MemorySegment segment) {
        checkUsable();
        Arena scope = liveScope(segment, "free");
        int rc;
        try {
            rc = (int) AllocSetNative.FREE.invokeExact(segment.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw MemoryContextException.fromNative();
        }
        forget(segment.address(), scope);
    }

    /** GetMemoryChunkSpace: the chunk's capacity plus its header. */
    public long chunkSpace(MemorySegment segment) {
        checkUsable();
        liveScope(segment, "chunkSpace");
        try {
            return (long) AllocSetNative.CHUNK_SPACE.invokeExact(segment.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The bytes the chunk can hold, at least its requested size: what it can grow into in place. */
    public long chunkCapacity(MemorySegment segment) {
        checkUsable();
        liveScope(segment, "chunkCapacity");
        try {
            return (long) AllocSetNative.CHUNK_CAPACITY.invokeExact(segment.address());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private MemorySegment failed(int flags) {
        MemoryContextException error = MemoryContextException.fromNative();
        if ((flags & AllocFlags.NO_OOM) != 0 && error.kind() == MemoryContextException.Kind.OUT_OF_MEMORY) {
            return MemorySegment.NULL;
        }
        throw error;
    }

    private static void checkSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
    }

    private MemorySegment track(long pointer, long size, boolean external) {
        Arena scope = external ? Arena.ofConfined() : generation;
        liveChunks.put(pointer, scope);
        return MemorySegment.ofAddress(pointer).reinterpret(size, scope, null);
    }

    private void forget(long pointer, Arena scope) {
        liveChunks.remove(pointer);
        if (scope != generation) {
            scope.close(); // the dedicated block went back to malloc
        }
    }

    private Arena liveScope(MemorySegment segment, String operation) {
        Objects.requireNonNull(segment, "segment");
        if (segment.address() == 0) {
            throw new IllegalArgumentException(operation + " called with a NULL segment");
        }
        Arena scope = segment.isNative() ? liveChunks.get(segment.address()) : null;
        if (scope == null || !segment.scope().equals(scope.scope())) {
            throw new IllegalArgumentException(operation + " called with a segment at 0x"
                    + Long.toHexString(segment.address()) + " that is not a live chunk of memory context \"" + name
                    + "\" (freed already, not the start of a chunk, or from elsewhere)");
        }
        return scope;
    }

    // ---- reset, delete, tree ----

    /** MemoryContextReset: deletes all children, releases all but the keeper block; every segment dies. */
    public void reset() {
        checkUsable();
        try {
            AllocSetNative.RESET.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        children.forEach(NativeMemoryContext::markDeleted);
        children.clear();
        closeChunkScopes();
        generation = Arena.ofConfined();
    }

    /** MemoryContextDelete: this context and all its descendants. Does nothing if already deleted. */
    @Override
    public void close() {
        if (address == 0) {
            return;
        }
        checkUsable();
        try {
            AllocSetNative.DELETE.invokeExact(address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (parent != null) {
            parent.children.remove(this);
        }
        markDeleted();
    }

    private void markDeleted() {
        children.forEach(NativeMemoryContext::markDeleted);
        children.clear();
        closeChunkScopes();
        address = 0;
        parent = null;
        if (source != null) {
            source.detach();
        }
    }

    private void closeChunkScopes() {
        for (Arena scope : liveChunks.values()) {
            if (scope != generation) {
                scope.close();
            }
        }
        liveChunks.clear();
        generation.close();
    }

    /** MemoryContextSetParent; null makes this a root. A context cannot move under its own descendant. */
    public void setParent(NativeMemoryContext newParent) {
        checkUsable();
        if (newParent != null) {
            newParent.checkUsable();
        }
        int rc;
        try {
            rc = (int) AllocSetNative.SET_PARENT.invokeExact(address, newParent == null ? 0L : newParent.address);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw MemoryContextException.fromNative();
        }
        if (parent != null) {
            parent.children.remove(this);
        }
        if (newParent != null) {
            newParent.children.addFirst(this);
        }
        parent = newParent;
    }

    /** MemoryContextSetIdentifier; null clears it. */
    public void setIdent(String ident) {
        checkUsable();
        int rc;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment cIdent = ident == null ? MemorySegment.NULL : scratch.allocateFrom(ident);
            rc = (int) AllocSetNative.SET_IDENT.invokeExact(address, cIdent);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (rc != 0) {
            throw MemoryContextException.fromNative();
        }
    }

    public String name() {
        return name;
    }

    /** The parent context, or null for a root. */
    public NativeMemoryContext parent() {
        checkUsable();
        return parent;
    }

    /** The children, newest first (PostgreSQL's order). */
    public List<NativeMemoryContext> children() {
        checkUsable();
        return List.copyOf(children);
    }

    /** False once deleted (directly, or with an ancestor, or by an ancestor's reset). */
    public boolean isAlive() {
        return address != 0;
    }

    /** The native context pointer, for code that drives {@link AllocSetNative} directly. */
    public long address() {
        checkUsable();
        return address;
    }

    /** Requests above this many bytes get a dedicated block (depends on maxBlockSize). */
    public long allocChunkLimit() {
        return allocChunkLimit;
    }

    // ---- statistics ----

    /** This context's own counters (MemoryContextCounters). */
    public MemoryContextCounters stats() {
        return counters(false);
    }

    /** The sum over this context and all its descendants. */
    public MemoryContextCounters statsRecursive() {
        return counters(true);
    }

    private MemoryContextCounters counters(boolean recurse) {
        checkUsable();
        return ContextReports.counters(AllocSetNative.STATS, address, recurse);
    }

    /** MemoryContextMemAllocated: bytes held from the block source, optionally with descendants. */
    public long memAllocated(boolean recurse) {
        checkUsable();
        try {
            return (long) AllocSetNative.MEM_ALLOCATED.invokeExact(address, recurse ? 1 : 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** How many free chunks are on freelist {@code index} (0..10: chunk size 8 << index). */
    public long freelistLength(int index) {
        checkUsable();
        if (index < 0 || index > 10) {
            throw new IndexOutOfBoundsException("freelist index " + index + " is not in 0..10");
        }
        try {
            return (long) AllocSetNative.FREELIST_LENGTH.invokeExact(address, index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The MemoryContextStats text for this subtree, PostgreSQL's format, 100 children per parent. */
    public String dump() {
        return dump(DEFAULT_DUMP_MAX_CHILDREN);
    }

    /** The same, listing at most {@code maxChildren} children per parent and summarising the rest. */
    public String dump(int maxChildren) {
        checkUsable();
        if (maxChildren < 1) {
            throw new IllegalArgumentException("maxChildren must be at least 1, not " + maxChildren);
        }
        return ContextReports.dump(AllocSetNative.STATS_DUMP, address, maxChildren);
    }

    /** pg_backend_memory_contexts-style rows for this subtree, parents before children. */
    public List<MemoryContextRow> rows() {
        checkUsable();
        return ContextReports.rows(AllocSetNative.CONTEXT_ROWS, address);
    }

    private void checkUsable() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("memory context \"" + name + "\" belongs to thread \"" + owner.getName()
                    + "\" and cannot be used from \"" + Thread.currentThread().getName() + "\"");
        }
        if (address == 0) {
            throw new IllegalStateException("memory context \"" + name + "\" has been deleted");
        }
    }

    @Override
    public String toString() {
        return "NativeMemoryContext[" + name + (address == 0 ? ", deleted]" : "]");
    }
}
