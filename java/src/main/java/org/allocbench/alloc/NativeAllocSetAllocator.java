package org.allocbench.alloc;

import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeBlockSource;
import org.allocbench.nativecore.NativeMemoryContext;

/**
 * The native AllocSet (liballocbench, PostgreSQL 16+ layout) behind the
 * allocator interface, one FFM downcall per operation: palloc, repalloc,
 * pfree, MemoryContextReset. Handles are chunk addresses. The context object
 * is used only for what is not per-op (creation, statistics, deletion).
 *
 * <p><b>Children</b> ({@link #child}): instances of this same class over a
 * native child context (so a replay's per-op calls still see one class), made
 * under the root's block source with {@link NativeMemoryContext#uncheckedChild}
 * and driven through the same unchecked calls; their Java tree
 * ({@link ContextTree}) closes them when an ancestor's reset or delete has
 * released them natively. A context is single-threaded but may move between
 * threads ({@link Capabilities.Sharing#PER_CONTEXT}); on a segment's block
 * source, which is single-threaded, the whole tree is one thread at a time
 * ({@link Capabilities.Sharing#SERIAL}). The root is created and closed by one
 * thread (its {@link NativeMemoryContext} is confined to it).
 */
public final class NativeAllocSetAllocator extends AbstractAllocator {

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, 8, "", true,
            Capabilities.Sharing.PER_CONTEXT);
    private static final Capabilities ON_SEGMENT = CAPABILITIES.withSharing(Capabilities.Sharing.SERIAL);

    /** The root's context (a child keeps its root's: the block source its children are made on). */
    private final NativeMemoryContext context;
    private final long address;
    private final boolean isRoot;
    private final ContextTree tree;

    public NativeAllocSetAllocator(AllocSetSizes sizes) {
        super("aset-native", CAPABILITIES);
        this.context = NativeMemoryContext.create("aset-native", sizes);
        this.address = context.address();
        this.isRoot = true;
        this.tree = ContextTree.root(this);
    }

    /**
     * The same AllocSet with its blocks from {@code source} (a shared segment's
     * pages, huge or not) instead of malloc; named apart so results never mix
     * the two. The source must outlive this allocator.
     */
    public NativeAllocSetAllocator(AllocSetSizes sizes, NativeBlockSource source) {
        super("aset-native-segment", ON_SEGMENT);
        this.context = NativeMemoryContext.create("aset-native-segment", sizes, source);
        this.address = context.address();
        this.isRoot = true;
        this.tree = ContextTree.root(this);
    }

    /** A child context of {@code parent} named {@code contextName}, on the root's block source. */
    private NativeAllocSetAllocator(NativeAllocSetAllocator parent, String contextName, AllocSetSizes sizes) {
        super(parent.name(), parent.capabilities());
        this.context = parent.context;
        this.address = context.uncheckedChild(parent.address, contextName, sizes);
        this.isRoot = false;
        this.tree = parent.tree.child(this);
    }

    @Override
    public String version() {
        return "liballocbench " + AllocSetNative.variant() + " layout, per-op FFM downcalls";
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return AllocSetNative.uncheckedAlloc(address, nonNegativeSize(size));
    }

    @Override
    public long allocZeroed(long size) {
        return zeroed(alloc(size), size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return AllocSetNative.uncheckedRealloc(handle, nonNegativeSize(newSize));
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        AllocSetNative.uncheckedFree(handle);
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    public Allocator child(String contextName, long minContextSize, long initBlockSize, long maxBlockSize) {
        ensureOpen();
        return new NativeAllocSetAllocator(this, contextName,
                new AllocSetSizes(minContextSize, initBlockSize, maxBlockSize));
    }

    /** MemoryContextReset: the children's Java instances are closed, then one native reset deletes them. */
    @Override
    protected void releaseAll() {
        tree.childrenReleased();
        AllocSetNative.uncheckedReset(address);
    }

    @Override
    protected void releaseForGood() {
        tree.released();
        if (isRoot) {
            context.close();
        } else {
            AllocSetNative.uncheckedDelete(address); // with its descendants
        }
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(AllocSetNative.uncheckedStats(address));
    }

    /** The context and its descendants as pg_backend_memory_contexts rows, parents before children. */
    public java.util.List<org.allocbench.nativecore.MemoryContextRow> rows() {
        ensureOpen();
        return AllocSetNative.uncheckedRows(address);
    }

    /** The context and its descendants in PostgreSQL's MemoryContextStats format (the C library's dump). */
    public String dump() {
        ensureOpen();
        return AllocSetNative.uncheckedDump(address);
    }
}
