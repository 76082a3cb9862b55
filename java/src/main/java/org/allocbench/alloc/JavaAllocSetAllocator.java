package org.allocbench.alloc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import org.allocbench.arena.JavaAllocSet;
import org.allocbench.arena.JavaContextStats;
import org.allocbench.nativecore.AddressSpace;
import org.allocbench.nativecore.AllocSetSizes;

/**
 * The pure-Java AllocSet ({@link JavaAllocSet}: native/src/aset.c's algorithm
 * and PostgreSQL 16's layout over {@code MemorySegment} blocks) behind the
 * allocator interface: the same allocator as {@code aset-native}, with the same
 * statistics after the same operations, but no downcall per operation. Handles
 * are the chunk addresses.
 *
 * <p>The set is created on first use (any operation, statistics included), so
 * its blocks' confined arenas belong to the thread that drives the instance,
 * whichever thread constructed it; the sizes are validated at construction.
 * Over malloc's blocks ({@value #NAME}) any thread may use an instance, one at a
 * time, as {@code aset-native}'s; over arenas or the heap only that thread.
 */
public final class JavaAllocSetAllocator extends AbstractAllocator {

    /**
     * Over malloc's blocks a set is a PostgreSQL context: any thread, one at a time per context (the contexts of a
     * tree at once), so it replays traces of several threads as aset-native does.
     */
    private static final Capabilities MALLOC_CAPABILITIES = new Capabilities(true, true, true, true, 8, "", true,
            Capabilities.Sharing.PER_CONTEXT);
    /** Over arenas or the heap a set and its blocks belong to one thread (confined arenas, the thread's table). */
    private static final Capabilities CONFINED_CAPABILITIES = new Capabilities(true, true, true, true, 8, "", true,
            Capabilities.Sharing.OWNER);

    /** Blocks from malloc, as the C AllocSet's. */
    public static final String NAME = "aset-java";
    /** Blocks from JDK arenas, zero-filled: beside {@link #NAME}, the price of zeroing. */
    public static final String ZEROING_NAME = "aset-java-zeroing";
    /** Blocks in Java arrays, owned by the GC: beside {@link #NAME}, the price of the heap. */
    public static final String HEAP_NAME = "aset-java-heap";

    private final AllocSetSizes sizes;
    private final JavaAllocSet.Blocks blocks;
    /** Null until first use (a root); a child's from the start. */
    private JavaAllocSet set;

    /** Blocks from malloc ({@value #NAME}). */
    public JavaAllocSetAllocator(AllocSetSizes sizes) {
        this(sizes, JavaAllocSet.Blocks.MALLOC);
    }

    /** {@value #NAME} over malloc blocks, {@value #ZEROING_NAME} over arena blocks. */
    public JavaAllocSetAllocator(AllocSetSizes sizes, JavaAllocSet.Blocks blocks) {
        super(nameOf(blocks), capabilitiesOf(blocks));
        this.sizes = Objects.requireNonNull(sizes, "sizes");
        this.blocks = blocks;
        JavaAllocSet.checkSizes(sizes.minContextSize(), sizes.initBlockSize(), sizes.maxBlockSize());
    }

    private static Capabilities capabilitiesOf(JavaAllocSet.Blocks blocks) {
        return blocks.confined() ? CONFINED_CAPABILITIES : MALLOC_CAPABILITIES;
    }

    /** The allocator's name for a kind of blocks. */
    public static String nameOf(JavaAllocSet.Blocks blocks) {
        return switch (blocks) {
            case MALLOC -> NAME;
            case ARENA -> ZEROING_NAME;
            case HEAP -> HEAP_NAME;
        };
    }

    /**
     * Over a child set: its parent's reset or delete closes the set itself (the set's own tree), after which
     * every operation of this instance throws ("memory context ... has been deleted").
     */
    private JavaAllocSetAllocator(JavaAllocSet childSet, String name) {
        super(name, capabilitiesOf(childSet.blocks()));
        this.sizes = null;
        this.blocks = childSet.blocks();
        this.set = childSet;
    }

    @Override
    public String version() {
        return "pure Java over MemorySegment (pg16 layout), blocks from " + switch (blocks) {
            case MALLOC -> "malloc";
            case ARENA -> "JDK arenas (zero-filled)";
            case HEAP -> "Java arrays (the GC's)";
        };
    }

    /**
     * The set, made on first use. Every op goes through here, so the making is a method of its own: inlined,
     * the constructor made this one too big for C2 to inline into the replay loop (PrintInlining: "already
     * compiled into a big method"), and every op paid a call for it (program-sqlite 1.47x aset-native).
     */
    private JavaAllocSet set() {
        JavaAllocSet current = set;
        return current != null ? current : createSet();
    }

    private JavaAllocSet createSet() {
        JavaAllocSet created = new JavaAllocSet(name(), sizes, blocks);
        set = created;
        return created;
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        return set().alloc(size);
    }

    @Override
    public long allocZeroed(long size) {
        ensureOpen();
        return set().allocZeroed(size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        ensureOpen();
        return set().realloc(handle, newSize);
    }

    @Override
    public void free(long handle) {
        ensureOpen();
        set().free(handle);
    }

    @Override
    public long address(long handle) {
        if (!nativeMemory()) {
            throw new UnsupportedOperationException(name() + "'s chunks are in Java arrays: they have no native"
                    + " address (use memory or writeByte)");
        }
        return handle;
    }

    @Override
    public MemorySegment memory(long handle, long size) {
        ensureOpen();
        return set().segment(handle, size);
    }

    @Override
    public void writeByte(long handle, long offset, byte value) {
        // one branch on a final field: off-heap the same plain store as every other allocator's
        if (!nativeMemory()) {
            set().setByte(handle + offset, value);
        } else {
            AddressSpace.ALL.set(ValueLayout.JAVA_BYTE, handle + offset, value);
        }
    }

    @Override
    public boolean nativeMemory() {
        return blocks != JavaAllocSet.Blocks.HEAP;
    }

    @Override
    public Allocator child(String contextName, long minContextSize, long initBlockSize, long maxBlockSize) {
        ensureOpen();
        return new JavaAllocSetAllocator(set().createChild(contextName, minContextSize, initBlockSize,
                maxBlockSize), name());
    }

    /** The set and its descendants in PostgreSQL's MemoryContextStats format (as the native dump prints it). */
    public String dump() {
        ensureOpen();
        return JavaContextStats.dump(set());
    }

    /** The set and its descendants as pg_backend_memory_contexts rows, parents before children. */
    public java.util.List<org.allocbench.nativecore.MemoryContextRow> rows() {
        ensureOpen();
        return JavaContextStats.rows(set());
    }

    @Override
    protected void releaseAll() {
        set().reset();
    }

    @Override
    protected void releaseForGood() {
        if (set != null) {
            set.close();
            set = null;
        }
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(set().stats());
    }
}
