package org.allocbench.arena;

import java.util.Arrays;
import java.util.Objects;
import org.allocbench.nativecore.AllocFlags;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.MemoryContextException;

/**
 * PostgreSQL's AllocSet in pure Java: the algorithm of
 * {@code native/src/aset.c}, step for step and byte for byte, over blocks from
 * malloc, JDK arenas or Java arrays ({@link Blocks}). Its
 * statistics equal the native AllocSet's after any sequence of operations
 * (the tests replay the same random sequences through both and compare after
 * every op), so the two can be benchmarked against each other as the same
 * allocator in two languages.
 *
 * <p><b>The idea</b> (as in aset.c). Memory comes in blocks; chunks are carved
 * from the head block with a bump pointer; everything goes at once on
 * {@link #reset()} or {@link #close()}. {@link #free} pushes a small chunk on
 * one of 11 power-of-two freelists (8 .. 8192 bytes), reused LIFO by the next
 * request of that class; its memory never goes back before reset. A request
 * above {@link #allocChunkLimit()} gets a dedicated block, linked second in the
 * block list so the head stays the one we carve from, and freed at once by
 * free. Blocks double from initBlockSize up to maxBlockSize; when the head
 * block cannot fit a request, its leftover is cut into freelist chunks (largest
 * power of two first) before a new head is pushed. The first ("keeper") block
 * holds the context struct and is only rewound by reset.
 *
 * <p><b>Same layout as C, in off-heap memory.</b> Block headers (40 bytes:
 * owner, prev, next, freeptr, endptr; see {@link BlockHeader}), chunk headers
 * (one 64-bit word, PostgreSQL 16's bit layout; see {@link ChunkHeader}) and
 * freelist links (the first 8 bytes of a free chunk's payload) live in the
 * blocks themselves, not in Java objects. Why: the statistics are defined by
 * that layout (every chunk costs its capacity plus 8, every block 40), the Java
 * heap stays flat however many chunks there are (nothing for the GC to trace),
 * and a pointer alone finds its block and owner, exactly as pfree does. The
 * keeper block's first 200 bytes stand for the C {@code AllocSetData} (200 bytes
 * on LP64, PostgreSQL 17's size), so a fresh DEFAULT set reports PostgreSQL's
 * "8192 total in 1 blocks; 7952 free (0 chunks); 240 used". The struct's
 * fields themselves are Java fields of this object (the head block, the
 * freelist heads, the block sizes): they are read on every operation and
 * fields are the cheapest place for them; the 200 bytes are left zero.
 *
 * <p><b>One segment for all addresses.</b> Every off-heap access goes through
 * {@link org.allocbench.nativecore.AddressSpace#ALL}, a {@code static final} segment covering the address
 * space, at absolute addresses with {@code JAVA_LONG}. A pointer is a primitive
 * {@code long} in and out of the API, so the hot path (a small alloc from a
 * freelist or the head block, a small free) allocates nothing on the Java heap,
 * looks nothing up in a map, and compiles to about what the C does.
 *
 * <p><b>Blocks.</b> Blocks come from the C library's malloc ({@link Blocks#MALLOC}, as the C AllocSet's:
 * one downcall per block, never zeroed, realloc in place where the heap allows), from Java arrays
 * ({@link Blocks#HEAP}, {@link HeapBlockSource}: the GC owns them, and an address is a slot and an offset that
 * the source resolves, so every word goes through the source's accessors, which off-heap are the plain
 * {@link org.allocbench.nativecore.AddressSpace#ALL} reads below), or from
 * {@link ArenaBlockSource} ({@link Blocks#ARENA}, the default of the constructors without a kind): an arena can
 * only be freed whole, and a dedicated block must go back on pfree without its
 * neighbours, so each block is an arena of its own. An arena cannot realloc,
 * so repalloc of a dedicated block allocates a new one of
 * {@code MAXALIGN(size) + 48} bytes, copies, frees the old one, and puts the new
 * one in the old one's place in the list: the accounting is exactly that of the
 * C realloc (only the address differs, which realloc may change anyway).
 *
 * <p><b>Where the time goes.</b> The small-chunk paths cost about what the C
 * does without the downcall (a few ns, no heap allocation, no map lookup).
 * Off-heap every word access is the source's default method, a plain
 * {@code AddressSpace.ALL} access once the JIT has inlined it (a benchmark fork
 * sees one source class). A fresh block costs what it costs its source: a
 * malloc downcall ({@link Blocks#MALLOC}); an arena, its session and cleanup
 * objects and the JDK's zero-fill ({@link Blocks#ARENA}: about 120 ns for 8 KB,
 * 750 ns for 64 KB on JDK 25, softened by a bounded per-thread cache of freed
 * blocks, {@link BlockCache}); or a zeroed Java array, and later the collector's
 * work ({@link Blocks#HEAP}). The context's statistics see none of this: a
 * block given back is gone from the context exactly as a freed malloc block is.
 *
 * <p><b>Checks.</b> What is cheap is checked: the owning thread where the blocks
 * belong to one thread (arenas, the heap's table), use after {@link #close()}, the
 * kind bits of a chunk header (a pointer we never handed out, such as zeroed
 * memory, is refused with native's "pfree called with invalid pointer" message),
 * and the owner word of the chunk's block (a chunk of another JavaAllocSet is
 * refused). A dedicated block must also be one this set's block source holds, where the source keeps a
 * record (arena and heap blocks; malloc keeps none the source could look in, as for the C set).
 * What C cannot check without a lookup per op is not checked either: a double
 * free of a small chunk, or a pointer into freed memory, corrupts the set as in
 * PostgreSQL without MEMORY_CONTEXT_CHECKING; the allocator layer's checked view
 * exists for that.
 *
 * <p><b>Errors</b> are those of the native core, with the same messages: a
 * {@link MemoryContextException} of kind INVALID_SIZE ("invalid memory alloc
 * request size N", above MaxAllocSize {@code 0x3fffffff} without
 * {@link AllocFlags#HUGE}), OUT_OF_MEMORY ("out of memory", detail "Failed on
 * request of size N in memory context \"NAME\"."; with {@link AllocFlags#NO_OOM}
 * the call returns 0 instead) or INVALID_ARGUMENT (bad create parameters, bad
 * pointers). What only Java can say is a Java exception, as in
 * {@code NativeMemoryContext}: a negative size ({@code size_t} cannot be
 * negative) is an {@link IllegalArgumentException} in the same wording, a chunk
 * of another set an {@link IllegalArgumentException}, a closed set an
 * {@link IllegalStateException}, another thread (confined blocks) a {@link WrongThreadException}.
 *
 * <p>This package sits below {@code org.allocbench.alloc} (which adapts it to
 * the suite's Allocator interface) and depends only on {@code nativecore}'s
 * plain data types (sizes, counters, flags, the exception), never on its
 * native calls. Not thread-safe. Over malloc's blocks any thread may use a set, one
 * at a time (a PostgreSQL context's rule: the caller orders the uses, as a replay
 * of a trace of several threads does); over arenas or the heap only the thread that
 * made it.
 */
public final class JavaAllocSet implements AutoCloseable {

    /** MAXALIGN(sizeof(AllocSetData)) on LP64: what the context struct costs in the keeper block. */
    public static final long CONTEXT_STRUCT_SIZE = 200;
    /** 11 freelists, chunk capacities 8 << 0 .. 8 << 10. */
    public static final int NUM_FREELISTS = 11;

    private static final int ALLOC_MINBITS = 3;
    /** The largest small chunk (before halving for small maxBlockSize). */
    private static final long ALLOC_CHUNK_LIMIT = 1L << (NUM_FREELISTS - 1 + ALLOC_MINBITS);
    /** A chunk is at most this fraction of a maximum-sized block. */
    private static final long ALLOC_CHUNK_FRACTION = 4;
    private static final long MAXIMUM_ALIGNOF = 8;
    /** MaxAllocHugeSize = SIZE_MAX / 2. */
    private static final long MAX_ALLOC_HUGE_SIZE = Long.MAX_VALUE;
    /** Below this, a failed block allocation is not retried smaller. */
    private static final long HALVING_FLOOR = 1024 * 1024;

    private static final long CHUNK_HDRSZ = ChunkHeader.SIZE;
    private static final long BLOCK_HDRSZ = BlockHeader.SIZE;

    private final String name;
    private final long initBlockSize;
    private final long maxBlockSize;
    private final long allocChunkLimit;
    private final Blocks blockKind;
    private final BlockSource source;
    /** The set's address: start of the keeper allocation, the owner word of every block. */
    private final long set;
    /** The keeper block, right after the context struct. */
    private final long keeper;
    /** Freelist heads: chunk (header) addresses, 0 for empty; links are in the chunks. */
    private final long[] freelist = new long[NUM_FREELISTS];

    /** The head block: the only one chunks are carved from. */
    private long blocks;
    private long nextBlockSize;
    /** Bytes held from the block source (MemoryContextMemAllocated). */
    private long memAllocated;
    /**
     * The thread that made the set; null once closed. Over blocks that belong to one thread (arenas, the heap's
     * table) only this thread may use the set; over malloc's, any thread may, one at a time, as PostgreSQL's
     * contexts and the C set (the caller orders the uses, and with them what the set wrote).
     */
    private Thread owner;

    // The context tree (mcxt.c's links): the parent, and the children newest first as a doubly linked list.
    private JavaAllocSet parent;
    private JavaAllocSet firstChild;
    private JavaAllocSet prevSibling;
    private JavaAllocSet nextSibling;

    /**
     * Where the blocks come from: {@link #MALLOC}, the C library's malloc as the C AllocSet (a downcall per
     * block, nothing zeroed), {@link #ARENA}, a JDK arena per block (zero-filled, with a bounded per-thread
     * cache of freed blocks: {@link ArenaBlockSource}), or {@link #HEAP}, Java arrays.
     */
    public enum Blocks {
        MALLOC, ARENA,
        /**
         * Java arrays ({@link HeapBlockSource}): the garbage collector owns the blocks, and pointers are not
         * native addresses (read and write a chunk through the set: {@link #setByte}).
         */
        HEAP;

        /**
         * Whether a set over these blocks belongs to the thread that made it (its blocks do); over malloc's any
         * thread may use it, one at a time. The one place this is decided: the set's thread check and the
         * allocator layer's sharing capability both ask here.
         */
        public boolean confined() {
            return this != MALLOC;
        }

        BlockSource create() {
            return switch (this) {
                case MALLOC -> new MallocBlockSource();
                case ARENA -> new ArenaBlockSource();
                case HEAP -> new HeapBlockSource();
            };
        }
    }

    /** A set with the given sizes (see {@link AllocSetSizes} for the presets), its blocks from arenas. */
    public JavaAllocSet(String name, AllocSetSizes sizes) {
        this(name, sizes, Blocks.ARENA);
    }

    /** A set with the given sizes, its blocks from {@code blocks}; its children's come from the same kind. */
    public JavaAllocSet(String name, AllocSetSizes sizes, Blocks blocks) {
        this(name, Objects.requireNonNull(sizes, "sizes").minContextSize(), sizes.initBlockSize(),
                sizes.maxBlockSize(), blocks);
    }

    /** As {@link #JavaAllocSet(String, long, long, long, Blocks)} over arena blocks. */
    public JavaAllocSet(String name, long minContextSize, long initBlockSize, long maxBlockSize) {
        this(name, minContextSize, initBlockSize, maxBlockSize, Blocks.ARENA);
    }

    /**
     * aset_create: validates the parameters as native does (same messages),
     * takes the keeper block and derives the chunk limit from maxBlockSize.
     */
    public JavaAllocSet(String name, long minContextSize, long initBlockSize, long maxBlockSize, Blocks blocks) {
        this.name = Objects.requireNonNull(name, "name");
        checkSizes(minContextSize, initBlockSize, maxBlockSize);
        this.blockKind = Objects.requireNonNull(blocks, "blocks");
        this.source = blocks.create();

        // The keeper block must hold the set, a block header and at least one chunk header.
        long firstBlockSize = CONTEXT_STRUCT_SIZE + BLOCK_HDRSZ + CHUNK_HDRSZ;
        firstBlockSize = Math.max(firstBlockSize, minContextSize != 0 ? minContextSize : initBlockSize);

        this.set = source.alloc(firstBlockSize);
        if (set == 0) {
            throw new MemoryContextException(MemoryContextException.Kind.OUT_OF_MEMORY, "out of memory",
                    "Failed while creating memory context \"" + name + "\".");
        }
        source.zero(set, CONTEXT_STRUCT_SIZE); // the struct's stand-in: blocks come unzeroed, as from malloc
        this.keeper = set + CONTEXT_STRUCT_SIZE;
        BlockHeader.init(source, keeper, set, 0, 0, keeper + BLOCK_HDRSZ, set + firstBlockSize);
        this.blocks = keeper;
        this.initBlockSize = initBlockSize;
        this.maxBlockSize = maxBlockSize;
        this.nextBlockSize = initBlockSize;
        this.memAllocated = firstBlockSize;

        // Halve the chunk limit until a chunk is at most a quarter of a max-sized block.
        long limit = ALLOC_CHUNK_LIMIT;
        while (limit + CHUNK_HDRSZ > (maxBlockSize - BLOCK_HDRSZ) / ALLOC_CHUNK_FRACTION) {
            limit >>= 1;
        }
        this.allocChunkLimit = limit;
        this.owner = Thread.currentThread();
    }

    /**
     * The parameter checks of aset_create, with its messages (as a
     * {@link MemoryContextException} of kind INVALID_ARGUMENT): initBlockSize a
     * multiple of 8 and at least 1024; maxBlockSize a multiple of 8, at least
     * initBlockSize and below 1 GiB (the chunk header's offset field); minContextSize
     * 0 or a multiple of 8 in [1024, maxBlockSize]. For callers that create the set later.
     */
    public static void checkSizes(long minContextSize, long initBlockSize, long maxBlockSize) {
        // Unsigned compares: a negative long is a huge size_t to the native core.
        if (initBlockSize != maxAlign(initBlockSize) || Long.compareUnsigned(initBlockSize, 1024) < 0) {
            throw invalidArgument("invalid initBlockSize " + Long.toUnsignedString(initBlockSize)
                    + ": must be a multiple of 8 and at least 1024");
        }
        if (maxBlockSize != maxAlign(maxBlockSize) || Long.compareUnsigned(maxBlockSize, initBlockSize) < 0
                || Long.compareUnsigned(maxBlockSize, ChunkHeader.MAX_BLOCK_OFFSET) > 0) {
            throw invalidArgument("invalid maxBlockSize " + Long.toUnsignedString(maxBlockSize)
                    + ": must be a multiple of 8, at least initBlockSize (" + Long.toUnsignedString(initBlockSize)
                    + ") and below 1 GiB");
        }
        if (minContextSize != 0 && (minContextSize != maxAlign(minContextSize)
                || Long.compareUnsigned(minContextSize, 1024) < 0
                || Long.compareUnsigned(minContextSize, maxBlockSize) > 0)) {
            throw invalidArgument("invalid minContextSize " + Long.toUnsignedString(minContextSize)
                    + ": must be 0, or a multiple of 8 between 1024 and maxBlockSize ("
                    + Long.toUnsignedString(maxBlockSize) + ")");
        }
    }

    // ---- size classes ----

    /** The freelist index of a request of {@code size} bytes (0 .. 10 for sizes up to 8192). */
    static int freeIndex(long size) {
        if (size <= (1L << ALLOC_MINBITS)) {
            return 0;
        }
        // ceil(log2(size)) - ALLOC_MINBITS, via the highest set bit of size - 1
        return (64 - Long.numberOfLeadingZeros(size - 1)) - ALLOC_MINBITS;
    }

    /** The capacity of a chunk of freelist {@code fidx}. */
    static long chunkSize(int fidx) {
        return 1L << (ALLOC_MINBITS + fidx);
    }

    /** The freelist (size class) of a request size, 0 .. 10, or -1 above 8192 bytes ({@code ab_size_class}). */
    public static int sizeClass(long size) {
        return size >= 0 && size <= ALLOC_CHUNK_LIMIT ? freeIndex(size) : -1;
    }

    private static long maxAlign(long size) {
        return (size + (MAXIMUM_ALIGNOF - 1)) & ~(MAXIMUM_ALIGNOF - 1);
    }

    // ---- allocation ----

    /** palloc: the address of {@code size} bytes (0 is legal: an 8-byte chunk). */
    public long alloc(long size) {
        checkOwner();
        return allocChunk(size, 0);
    }

    /** palloc0: the same, zeroed. */
    public long allocZeroed(long size) {
        checkOwner();
        long pointer = allocChunk(size, 0);
        source.zero(pointer, size);
        return pointer;
    }

    /**
     * palloc_extended with {@link AllocFlags} (HUGE, NO_OOM, ZERO). With NO_OOM
     * an out-of-memory failure returns 0 instead of throwing.
     */
    public long allocExtended(long size, int flags) {
        checkOwner();
        if ((flags & ~(AllocFlags.HUGE | AllocFlags.NO_OOM | AllocFlags.ZERO)) != 0) {
            throw new IllegalArgumentException("unknown allocation flags 0x" + Integer.toHexString(flags));
        }
        long pointer = allocChunk(size, flags);
        if (pointer != 0 && (flags & AllocFlags.ZERO) != 0) {
            source.zero(pointer, size);
        }
        return pointer;
    }

    /** aset_alloc. The hot path: a freelist pop or a bump of the head block's freeptr. */
    private long allocChunk(long size, int flags) {
        // unsigned: a negative size is a huge size_t, refused in allocLarge
        if (Long.compareUnsigned(size, allocChunkLimit) > 0) {
            return allocLarge(size, flags);
        }
        int fidx = freeIndex(size);
        long chunk = freelist[fidx];
        if (chunk != 0) {
            // The header still holds its fidx and block offset from when it was carved.
            freelist[fidx] = source.getLong(chunk + CHUNK_HDRSZ);
            return chunk + CHUNK_HDRSZ;
        }
        long chkSize = chunkSize(fidx);
        long block = blocks;
        long freeptr = BlockHeader.freeptr(source, block);
        if (BlockHeader.endptr(source, block) - freeptr < chkSize + CHUNK_HDRSZ) {
            return allocFromNewBlock(size, flags, fidx);
        }
        return carveChunk(block, freeptr, chkSize, fidx);
    }

    private long carveChunk(long block, long freeptr, long chkSize, int fidx) {
        BlockHeader.setFreeptr(source, block, freeptr + chkSize + CHUNK_HDRSZ);
        source.setLong(freeptr, ChunkHeader.small(freeptr, block, fidx));
        return freeptr + CHUNK_HDRSZ;
    }

    private void pushFreeChunk(long chunk, int fidx) {
        source.setLong(chunk + CHUNK_HDRSZ, freelist[fidx]);
        freelist[fidx] = chunk;
    }

    /** A request above allocChunkLimit: a dedicated block, linked second. */
    private long allocLarge(long size, int flags) {
        checkSizeValid(size, flags);
        long blksize = maxAlign(size) + BLOCK_HDRSZ + CHUNK_HDRSZ;
        long block = source.alloc(blksize); // 0 also when the sum overflowed
        if (block == 0) {
            return allocationFailure(size, flags);
        }
        memAllocated += blksize;
        long chunk = block + BLOCK_HDRSZ;
        source.setLong(chunk, ChunkHeader.external(chunk, block));

        // Second in the list: the head block stays the one chunks are carved from.
        long head = blocks;
        long next = BlockHeader.next(source, head);
        BlockHeader.init(source, block, set, head, next, block + blksize, block + blksize);
        if (next != 0) {
            BlockHeader.setPrev(source, next, block);
        }
        BlockHeader.setNext(source, head, block);
        return chunk + CHUNK_HDRSZ;
    }

    /**
     * The head block is full for this request: cut its leftover into freelist
     * chunks (it will never be carved again), then push a new head block.
     */
    private long allocFromNewBlock(long size, int flags, int fidx) {
        long block = blocks;
        long freeptr = BlockHeader.freeptr(source, block);
        long availspace = BlockHeader.endptr(source, block) - freeptr;
        while (availspace >= (1L << ALLOC_MINBITS) + CHUNK_HDRSZ) {
            long availchunk = availspace - CHUNK_HDRSZ;
            int aFidx = freeIndex(availchunk);
            // freeIndex rounds up; take the class below unless it fits exactly
            if (availchunk != chunkSize(aFidx)) {
                aFidx--;
                availchunk = chunkSize(aFidx);
            }
            long chunk = freeptr;
            freeptr += availchunk + CHUNK_HDRSZ;
            availspace -= availchunk + CHUNK_HDRSZ;
            BlockHeader.setFreeptr(source, block, freeptr);
            source.setLong(chunk, ChunkHeader.small(chunk, block, aFidx));
            pushFreeChunk(chunk, aFidx);
        }

        long blksize = nextBlockSize;
        nextBlockSize = Math.min(nextBlockSize << 1, maxBlockSize);

        long chkSize = chunkSize(fidx);
        long requiredSize = chkSize + BLOCK_HDRSZ + CHUNK_HDRSZ;
        while (blksize < requiredSize) {
            blksize <<= 1;
        }

        // Under memory pressure a smaller block may still succeed: halve down to 1 MB.
        block = source.alloc(blksize);
        while (block == 0 && blksize > HALVING_FLOOR) {
            blksize >>= 1;
            if (blksize < requiredSize) {
                break;
            }
            block = source.alloc(blksize);
        }
        if (block == 0) {
            return allocationFailure(size, flags);
        }

        memAllocated += blksize;
        long oldHead = blocks;
        BlockHeader.init(source, block, set, 0, oldHead, block + BLOCK_HDRSZ, block + blksize);
        BlockHeader.setPrev(source, oldHead, block);
        blocks = block;
        return carveChunk(block, block + BLOCK_HDRSZ, chkSize, fidx);
    }

    // ---- free and realloc ----

    /** pfree. A small chunk goes on its freelist; a dedicated block goes back at once. */
    public void free(long pointer) {
        checkOwner();
        long header = chunkHeader("pfree", pointer);
        long chunk = pointer - CHUNK_HDRSZ;
        if (ChunkHeader.isExternal(header)) {
            freeLarge(chunk);
            return;
        }
        int fidx = ChunkHeader.fidx(header);
        if (BlockHeader.owner(source, ChunkHeader.block(chunk, header)) != set || fidx >= NUM_FREELISTS) {
            throw notOurs("pfree", pointer, header);
        }
        pushFreeChunk(chunk, fidx);
    }

    private void freeLarge(long chunk) {
        long block = largeBlock("pfree", chunk);
        long blksize = BlockHeader.endptr(source, block) - block;
        unlinkBlock(block);
        memAllocated -= blksize;
        source.free(block, blksize);
    }

    /**
     * repalloc: in place within the chunk's power-of-two capacity (shrinking
     * too); a small chunk that must grow moves (maybe into a dedicated block);
     * a dedicated block is reallocated, grow or shrink, and stays dedicated.
     */
    public long realloc(long pointer, long size) {
        checkOwner();
        return reallocChunk(pointer, size, 0);
    }

    /** repalloc_extended with {@link AllocFlags#HUGE} and/or {@link AllocFlags#NO_OOM} (0 on OOM). */
    public long reallocExtended(long pointer, long size, int flags) {
        checkOwner();
        if ((flags & ~(AllocFlags.HUGE | AllocFlags.NO_OOM)) != 0) {
            throw new IllegalArgumentException("reallocate takes only HUGE and NO_OOM, not flags 0x"
                    + Integer.toHexString(flags));
        }
        return reallocChunk(pointer, size, flags);
    }

    private long reallocChunk(long pointer, long size, int flags) {
        long header = chunkHeader("repalloc", pointer);
        long chunk = pointer - CHUNK_HDRSZ;
        if (ChunkHeader.isExternal(header)) {
            return reallocLarge(chunk, size, flags);
        }
        int fidx = ChunkHeader.fidx(header);
        if (BlockHeader.owner(source, ChunkHeader.block(chunk, header)) != set || fidx >= NUM_FREELISTS) {
            throw notOurs("repalloc", pointer, header);
        }
        long oldChkSize = chunkSize(fidx);
        // Fits the power-of-two capacity it already has: nothing to do (shrinks too).
        if (Long.compareUnsigned(size, oldChkSize) <= 0) {
            return pointer;
        }
        long newPointer = allocChunk(size, flags);
        if (newPointer == 0) {
            return 0; // NO_OOM: the old chunk is as it was
        }
        source.copy(pointer, newPointer, oldChkSize);
        pushFreeChunk(chunk, fidx);
        return newPointer;
    }

    /** A dedicated block stays dedicated: "realloc" the whole block, grow or shrink. */
    private long reallocLarge(long chunk, long size, int flags) {
        long block = largeBlock("repalloc", chunk);
        checkSizeValid(size, flags);
        long blksize = maxAlign(size) + BLOCK_HDRSZ + CHUNK_HDRSZ;
        long oldBlksize = BlockHeader.endptr(source, block) - block;
        long moved = source.realloc(block, oldBlksize, blksize);
        if (moved == 0) {
            return allocationFailure(size, flags);
        }
        memAllocated -= oldBlksize;
        memAllocated += blksize;
        // The copy brought the header (owner, prev, next) and the chunk header (offset 40) along.
        BlockHeader.setFreeptr(source, moved, moved + blksize);
        BlockHeader.setEndptr(source, moved, moved + blksize);
        long prev = BlockHeader.prev(source, moved);
        long next = BlockHeader.next(source, moved);
        if (prev != 0) {
            BlockHeader.setNext(source, prev, moved);
        } else {
            blocks = moved;
        }
        if (next != 0) {
            BlockHeader.setPrev(source, next, moved);
        }
        return moved + BLOCK_HDRSZ + CHUNK_HDRSZ;
    }

    private void unlinkBlock(long block) {
        long prev = BlockHeader.prev(source, block);
        long next = BlockHeader.next(source, block);
        if (prev != 0) {
            BlockHeader.setNext(source, prev, next);
        } else {
            blocks = next;
        }
        if (next != 0) {
            BlockHeader.setPrev(source, next, prev);
        }
    }

    // ---- reset and close ----

    /**
     * MemoryContextReset: clears the freelists, frees every block but the
     * keeper (dedicated ones too), rewinds the keeper, and starts block growth
     * over at initBlockSize. Every pointer handed out is invalid afterwards.
     */
    public void reset() {
        checkOwner();
        while (firstChild != null) {
            firstChild.deleteTree(); // MemoryContextReset deletes the children first
        }
        resetBlocks();
    }

    private void resetBlocks() {
        long block = blocks;
        Arrays.fill(freelist, 0);
        blocks = keeper;
        while (block != 0) {
            long next = BlockHeader.next(source, block);
            if (block == keeper) {
                BlockHeader.setFreeptr(source, block, block + BLOCK_HDRSZ);
                BlockHeader.setPrev(source, block, 0);
                BlockHeader.setNext(source, block, 0);
            } else {
                long blksize = BlockHeader.endptr(source, block) - block;
                memAllocated -= blksize;
                source.free(block, blksize);
            }
            block = next;
        }
        nextBlockSize = initBlockSize;
    }

    /**
     * MemoryContextDelete: deletes the descendants (leaves first), leaves the parent, and gives back every
     * block, the keeper too. Idempotent; the set (and every descendant) is unusable after.
     */
    @Override
    public void close() {
        if (owner == null) {
            return;
        }
        checkOwner();
        deleteTree();
    }

    /** mcxt.c's delete_tree: this set and its descendants, leaves first, without recursion. */
    private void deleteTree() {
        JavaAllocSet current = this;
        for (;;) {
            while (current.firstChild != null) {
                current = current.firstChild;
            }
            JavaAllocSet up = current.parent;
            current.deleteOnly();
            if (current == this) {
                return;
            }
            current = up;
        }
    }

    // ---- the tree ----

    /**
     * AllocSetContextCreate(this, name, ...): a child set with its own blocks, the newest of this set's
     * children. Resetting this set deletes it; deleting this set deletes it (and its descendants) first.
     * Same parameter checks and messages as the constructor; the child belongs to the calling thread as a new set.
     */
    public JavaAllocSet createChild(String childName, long minContextSize, long initBlockSize, long maxBlockSize) {
        checkOwner();
        JavaAllocSet child = new JavaAllocSet(childName, minContextSize, initBlockSize, maxBlockSize, blockKind);
        child.parent = this;
        child.nextSibling = firstChild;
        if (firstChild != null) {
            firstChild.prevSibling = child;
        }
        firstChild = child;
        return child;
    }

    /** The parent set, or null for a root (or a deleted set). */
    public JavaAllocSet parent() {
        return parent;
    }

    /** The children, newest first (PostgreSQL's order). */
    public java.util.List<JavaAllocSet> children() {
        checkOwner();
        java.util.List<JavaAllocSet> list = new java.util.ArrayList<>();
        for (JavaAllocSet c = firstChild; c != null; c = c.nextSibling) {
            list.add(c);
        }
        return list;
    }

    JavaAllocSet firstChild() {
        return firstChild;
    }

    JavaAllocSet nextSibling() {
        return nextSibling;
    }

    private void unlinkFromParent() {
        if (parent == null) {
            return;
        }
        if (prevSibling != null) {
            prevSibling.nextSibling = nextSibling;
        } else {
            parent.firstChild = nextSibling;
        }
        if (nextSibling != null) {
            nextSibling.prevSibling = prevSibling;
        }
        parent = prevSibling = nextSibling = null;
    }

    /** mcxt.c's delete_only: this set alone (its children are gone already). */
    private void deleteOnly() {
        checkOwner();
        unlinkFromParent();
        resetBlocks();
        long setBlockSize = BlockHeader.endptr(source, keeper) - set;
        memAllocated -= setBlockSize;
        source.free(set, setBlockSize);
        source.freeAll(); // nothing is left unless the list was corrupted; never leak
        blocks = 0;
        owner = null;
    }

    /** False once closed. */
    public boolean isOpen() {
        return owner != null;
    }

    // ---- queries ----

    public String name() {
        return name;
    }

    /** Requests above this many bytes get a dedicated block (depends on maxBlockSize). */
    public long allocChunkLimit() {
        return allocChunkLimit;
    }

    /** The address of the set (its context struct), the owner word of each of its blocks. */
    public long address() {
        checkOwner();
        return set;
    }

    /** MemoryContextMemAllocated (this set alone): bytes held from the block source. */
    public long memAllocated() {
        checkOwner();
        return memAllocated;
    }

    /** The bytes the chunk can hold: its power-of-two capacity, or MAXALIGN(size) for a dedicated block. */
    public long chunkCapacity(long pointer) {
        checkOwner();
        long header = chunkHeader("GetMemoryChunkSpace", pointer);
        long chunk = pointer - CHUNK_HDRSZ;
        if (ChunkHeader.isExternal(header)) {
            return BlockHeader.endptr(source, largeBlock("GetMemoryChunkSpace", chunk)) - pointer;
        }
        int fidx = ChunkHeader.fidx(header);
        if (BlockHeader.owner(source, ChunkHeader.block(chunk, header)) != set || fidx >= NUM_FREELISTS) {
            throw notOurs("GetMemoryChunkSpace", pointer, header);
        }
        return chunkSize(fidx);
    }

    /** GetMemoryChunkSpace: the capacity plus the chunk header. */
    public long chunkSpace(long pointer) {
        return chunkCapacity(pointer) + CHUNK_HDRSZ;
    }

    /**
     * Writes one byte at {@code address} (a chunk's pointer plus an offset within what was asked for): what a
     * caller of palloc does with the memory. The only way to reach a chunk of a {@link Blocks#HEAP} set, whose
     * pointers are not native addresses; for the others it is a plain store.
     */
    public void setByte(long address, byte value) {
        checkOwner();
        source.setByte(address, value);
    }

    /** The {@code size} bytes at {@code address} as a segment (off-heap unscoped; on the heap a slice of the array). */
    public java.lang.foreign.MemorySegment segment(long address, long size) {
        checkOwner();
        return source.segment(address, size);
    }

    /** Where this set's blocks come from. */
    public Blocks blocks() {
        return blockKind;
    }

    /** The source itself (for tests: what it holds). */
    BlockSource blockSource() {
        return source;
    }

    /** The raw chunk header word in front of {@code pointer} (for tests and debugging). */
    public long chunkHeaderWord(long pointer) {
        checkOwner();
        checkPointerShape("chunkHeaderWord", pointer);
        return source.getLong(pointer - CHUNK_HDRSZ);
    }

    /** How many free chunks are on freelist {@code fidx} (0..10: chunk size 8 << fidx). */
    public int freelistLength(int fidx) {
        checkOwner();
        if (fidx < 0 || fidx >= NUM_FREELISTS) {
            throw new IndexOutOfBoundsException("freelist index " + fidx + " is not in 0..10");
        }
        int n = 0;
        for (long chunk = freelist[fidx]; chunk != 0; chunk = source.getLong(chunk + CHUNK_HDRSZ)) {
            n++;
        }
        return n;
    }

    /**
     * MemoryContextCounters, exactly as aset_stats computes them: total = 200 +
     * sum over blocks of (endptr - block); free = sum of (endptr - freeptr) +
     * sum over freelist chunks of (capacity + 8); used = total - free.
     */
    public MemoryContextCounters stats() {
        checkOwner();
        long nblocks = 0;
        long freechunks = 0;
        long totalspace = CONTEXT_STRUCT_SIZE;
        long freespace = 0;
        for (long block = blocks; block != 0; block = BlockHeader.next(source, block)) {
            long endptr = BlockHeader.endptr(source, block);
            nblocks++;
            totalspace += endptr - block;
            freespace += endptr - BlockHeader.freeptr(source, block);
        }
        for (int fidx = 0; fidx < NUM_FREELISTS; fidx++) {
            for (long chunk = freelist[fidx]; chunk != 0; chunk = source.getLong(chunk + CHUNK_HDRSZ)) {
                freechunks++;
                freespace += chunkSize(fidx) + CHUNK_HDRSZ;
            }
        }
        return new MemoryContextCounters(nblocks, freechunks, totalspace, freespace, totalspace - freespace);
    }

    @Override
    public String toString() {
        return "JavaAllocSet[" + name + (owner == null ? ", closed]" : "]");
    }

    // ---- checks and errors (out of line: the hot paths only branch to them) ----

    private void checkOwner() {
        Thread current = Thread.currentThread();
        if (current != owner && (owner == null || blockKind.confined())) {
            throw unusable();
        }
    }

    private RuntimeException unusable() {
        if (owner == null) {
            return new IllegalStateException("memory context \"" + name + "\" has been deleted");
        }
        return new WrongThreadException("memory context \"" + name + "\" belongs to thread \"" + owner.getName()
                + "\" and cannot be used from \"" + Thread.currentThread().getName() + "\"");
    }

    /** The header word of a pointer that looks like an AllocSet chunk; native's chunk_ok otherwise. */
    private long chunkHeader(String what, long pointer) {
        checkPointerShape(what, pointer);
        long header = source.getLong(pointer - CHUNK_HDRSZ);
        if (!ChunkHeader.kindValid(header)) {
            throw invalidPointer(what, pointer, header);
        }
        return header;
    }

    private static void checkPointerShape(String what, long pointer) {
        if (pointer == 0) {
            throw invalidArgument(what + " called with NULL pointer");
        }
        if ((pointer & (MAXIMUM_ALIGNOF - 1)) != 0 || Long.compareUnsigned(pointer, CHUNK_HDRSZ) <= 0) {
            throw invalidArgument(what + " called with invalid pointer " + hex(pointer) + " (not MAXALIGNed)");
        }
    }

    /** The dedicated block of an external chunk, if header, block and block source agree. */
    private long largeBlock(String what, long chunk) {
        long block = chunk - BLOCK_HDRSZ;
        if (BlockHeader.freeptr(source, block) != BlockHeader.endptr(source, block)) {
            throw invalidArgument("could not find block containing chunk " + hex(chunk));
        }
        if (BlockHeader.owner(source, block) != set) {
            throw notOurs(what, chunk + CHUNK_HDRSZ, source.getLong(chunk));
        }
        if (!source.owns(block)) {
            throw invalidArgument("could not find block containing chunk " + hex(chunk));
        }
        return block;
    }

    private void checkSizeValid(long size, int flags) {
        if (size < 0) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
        if (size > ((flags & AllocFlags.HUGE) != 0 ? MAX_ALLOC_HUGE_SIZE : AllocFlags.MAX_ALLOC_SIZE)) {
            throw new MemoryContextException(MemoryContextException.Kind.INVALID_SIZE,
                    "invalid memory alloc request size " + size, null);
        }
    }

    /** MemoryContextAllocationFailure: 0 with NO_OOM, else PostgreSQL's error. */
    private long allocationFailure(long size, int flags) {
        if ((flags & AllocFlags.NO_OOM) != 0) {
            return 0;
        }
        throw new MemoryContextException(MemoryContextException.Kind.OUT_OF_MEMORY, "out of memory",
                "Failed on request of size " + size + " in memory context \"" + name + "\".");
    }

    private static MemoryContextException invalidPointer(String what, long pointer, long header) {
        return invalidArgument(what + " called with invalid pointer " + hex(pointer) + " (header 0x"
                + String.format("%016x", header) + ")");
    }

    /** A chunk header whose block is another set's (or, if the block is ours, a corrupt header). */
    private RuntimeException notOurs(String what, long pointer, long header) {
        long block = ChunkHeader.block(pointer - CHUNK_HDRSZ, header);
        if (BlockHeader.owner(source, block) == set) {
            return invalidPointer(what, pointer, header);
        }
        return new IllegalArgumentException(what + " called with pointer " + hex(pointer)
                + " that is not a chunk of memory context \"" + name + "\" (its block " + hex(block)
                + " is owned by " + hex(BlockHeader.owner(source, block)) + ", this set is " + hex(set) + ")");
    }

    private static MemoryContextException invalidArgument(String message) {
        return new MemoryContextException(MemoryContextException.Kind.INVALID_ARGUMENT, message, null);
    }

    private static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
