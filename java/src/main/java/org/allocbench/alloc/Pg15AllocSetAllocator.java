package org.allocbench.alloc;

import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.AllocSetVariant;

/**
 * The same native AllocSet built with PostgreSQL 15's chunk layout
 * (liballocbench-pg15.so: a 16-byte header of capacity + owning set, the
 * freelist link kept in the header, and PostgreSQL 15's 224-byte context),
 * per-op FFM calls like aset-native. Side by side with aset-native (the
 * PostgreSQL 16+ layout) it shows what 16's header change bought, in time and
 * in bytes, on the same trace.
 *
 * <p>A twin of NativeAllocSetAllocator on purpose: each calls its library
 * through method handles the JIT sees as constants (static finals there, a
 * static final record here); a shared base class holding the handles in
 * instance fields measured about 3 ns per call slower.
 */
public final class Pg15AllocSetAllocator extends AbstractAllocator {

    /** A static final record: its handles are constants to the JIT (see AllocSetVariant). */
    private static final AllocSetVariant PG15 = AllocSetVariant.load("pg15");
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, 8, "", true,
            Capabilities.Sharing.PER_CONTEXT);

    private final long context;
    private final ContextTree tree;

    public Pg15AllocSetAllocator(AllocSetSizes sizes) {
        super("aset-pg15", CAPABILITIES);
        this.context = PG15.createContext("aset-pg15", sizes);
        this.tree = ContextTree.root(this);
    }

    /** A child context of {@code parent} (an instance of this same class, so per-op calls see one class). */
    private Pg15AllocSetAllocator(Pg15AllocSetAllocator parent, String contextName, AllocSetSizes sizes) {
        super(parent.name(), CAPABILITIES);
        this.context = PG15.createChild(parent.context, contextName, sizes);
        this.tree = parent.tree.child(this);
    }

    @Override
    public String version() {
        return "liballocbench " + PG15.layout() + " layout, per-op FFM downcalls";
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return PG15.uncheckedAlloc(context, nonNegativeSize(size));
    }

    @Override
    public long allocZeroed(long size) {
        return zeroed(alloc(size), size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return PG15.uncheckedRealloc(handle, nonNegativeSize(newSize));
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        PG15.uncheckedFree(handle);
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    public Allocator child(String contextName, long minContextSize, long initBlockSize, long maxBlockSize) {
        ensureOpen();
        return new Pg15AllocSetAllocator(this, contextName,
                new AllocSetSizes(minContextSize, initBlockSize, maxBlockSize));
    }

    /** MemoryContextReset: the children's Java instances are closed, then one native reset deletes them. */
    @Override
    protected void releaseAll() {
        tree.childrenReleased();
        PG15.uncheckedReset(context);
    }

    /** MemoryContextDelete, with the descendants. */
    @Override
    protected void releaseForGood() {
        tree.released();
        PG15.deleteContext(context);
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(PG15.stats(context));
    }

    /** The context and its descendants as pg_backend_memory_contexts rows, parents before children. */
    public java.util.List<org.allocbench.nativecore.MemoryContextRow> rows() {
        ensureOpen();
        return PG15.rows(context);
    }

    /** The context and its descendants in PostgreSQL's MemoryContextStats format (the C library's dump). */
    public String dump() {
        ensureOpen();
        return PG15.dump(context);
    }
}
