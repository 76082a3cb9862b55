package org.allocbench.alloc;

import java.util.List;
import org.allocbench.nativecore.AllocSetBinding;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextRow;
import org.allocbench.nativecore.NativeBlockSource;

/**
 * The native AllocSet (liballocbench) behind the allocator interface, one FFM
 * downcall per operation: palloc, repalloc, pfree, MemoryContextReset.
 * Handles are chunk addresses. Two builds of the same C code:
 * <ul>
 * <li>{@code aset-native}: {@code liballocbench.so}, PostgreSQL 16+'s chunk
 * layout, blocks from malloc; {@code aset-native-segment} is the same with
 * its blocks from a {@link NativeBlockSource} (a shared segment's pages, huge
 * or not), named apart so results never mix the two;</li>
 * <li>{@code aset-pg15} ({@link #pg15}): {@code liballocbench-pg15.so},
 * PostgreSQL 15's layout (a 16-byte header of capacity + owning set, the
 * freelist link kept in the header, a 224-byte context). Side by side with
 * aset-native it shows what 16's header change bought, in time and in bytes,
 * on the same trace.</li>
 * </ul>
 *
 * <p><b>Binding.</b> Each library is an {@link AllocSetBinding}, a record of
 * its downcall handles. The handles are JIT constants only when the record
 * is read from a {@code static final} field (HotSpot trusts a record's
 * fields, but only a constant record makes them constants); a binding kept in
 * an instance field measured about 3 ns slower per call. So this class never
 * keeps its binding in a field: every per-op call reads one of the two
 * {@code static final} bindings ({@link AllocSetBinding#main()}, and
 * {@link Pg15#BINDING}) chosen by a final boolean. In a run of one allocator
 * per JVM (the campaign and JMH run them so) the JIT's profile prunes the
 * other branch; where both run it is a predictable branch, never a call
 * through a non-constant handle.
 */
public final class NativeAllocSetAllocator extends AbstractAllocator {

    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true, 8, "");

    /** Which library: liballocbench-pg15.so, else the main one (see the class comment on why not a binding). */
    private final boolean pg15;
    private final long context;
    /** Where the context's blocks come from; null: malloc. */
    private final NativeBlockSource source;

    public NativeAllocSetAllocator(AllocSetSizes sizes) {
        this("aset-native", false, sizes, null);
    }

    /**
     * The same AllocSet with its blocks from {@code source} (a shared segment's
     * pages, huge or not) instead of malloc; named apart so results never mix
     * the two. The source must outlive this allocator.
     */
    public NativeAllocSetAllocator(AllocSetSizes sizes, NativeBlockSource source) {
        this("aset-native-segment", false, sizes, source);
    }

    /** The same AllocSet built with PostgreSQL 15's chunk layout: aset-pg15. */
    public static NativeAllocSetAllocator pg15(AllocSetSizes sizes) {
        return new NativeAllocSetAllocator("aset-pg15", true, sizes, null);
    }

    private NativeAllocSetAllocator(String name, boolean pg15, AllocSetSizes sizes, NativeBlockSource source) {
        super(name, CAPABILITIES);
        this.pg15 = pg15;
        this.source = source;
        this.context = source == null ? binding().createContext(name, sizes)
                : binding().createContext(name, sizes, source);
    }

    /**
     * For what is not per-op (creation, statistics, deletion): the handles of a binding chosen here are not
     * constants unless the JIT's profile has pruned the other branch, which does not matter off the hot path.
     */
    private AllocSetBinding binding() {
        return pg15 ? Pg15.BINDING : AllocSetBinding.main();
    }

    @Override
    public String version() {
        return "liballocbench " + binding().layout() + " layout, per-op FFM downcalls";
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        long request = nonNegativeSize(size);
        return pg15 ? Pg15.BINDING.uncheckedAlloc(context, request)
                : AllocSetBinding.main().uncheckedAlloc(context, request);
    }

    @Override
    public long allocZeroed(long size) {
        return zeroed(alloc(size), size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        long request = nonNegativeSize(newSize);
        return pg15 ? Pg15.BINDING.uncheckedRealloc(handle, request)
                : AllocSetBinding.main().uncheckedRealloc(handle, request);
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        if (pg15) {
            Pg15.BINDING.uncheckedFree(handle);
        } else {
            AllocSetBinding.main().uncheckedFree(handle);
        }
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    /** A trace's reset op lands here, so it is per-op too. */
    @Override
    protected void releaseAll() {
        if (pg15) {
            Pg15.BINDING.uncheckedReset(context);
        } else {
            AllocSetBinding.main().uncheckedReset(context);
        }
    }

    @Override
    protected void releaseForGood() {
        binding().deleteContext(context, source);
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(binding().stats(context));
    }

    /** The context as pg_backend_memory_contexts rows (one: this context has no children). */
    public List<MemoryContextRow> rows() {
        ensureOpen();
        return binding().rows(context);
    }

    /** The context's statistics in PostgreSQL's MemoryContextStats format. */
    public String dump() {
        ensureOpen();
        return binding().dump(context);
    }

    /** liballocbench-pg15.so, linked when the first aset-pg15 instance is made. */
    private static final class Pg15 {
        static final AllocSetBinding BINDING = AllocSetBinding.load("pg15");
    }
}
