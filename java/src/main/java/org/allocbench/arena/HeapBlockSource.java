package org.allocbench.arena;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Blocks on the Java heap: each block is a {@code long[]} (seen as a segment through
 * {@link MemorySegment#ofArray(long[])}), so the garbage collector owns the
 * memory. A freed block is only forgotten; the GC reclaims it. This is the
 * on-heap variant of the Java AllocSet: beside the off-heap ones it prices
 * what the GC costs (allocation of zeroed arrays, collections, pauses) for
 * the same algorithm and the same statistics.
 *
 * <p><b>Addresses.</b> The set works on plain long addresses; here an address
 * is a block's slot in this thread's table of heap blocks, shifted left by
 * {@value #SLOT_SHIFT}, plus a byte offset into the block (slot 0 is never
 * used, so 0 stays null). Within a block addresses are linear, which is all
 * the AllocSet's arithmetic needs (a chunk header's block offset, freeptr and
 * endptr). The table is per thread, not per source: a set is used by one thread,
 * and every set of that thread must have addresses distinct from the others'
 * so that a chunk handed to the wrong set is recognised by its owner word, as
 * off-heap. A source remembers which slots are its own.
 *
 * <p><b>Words.</b> Every word the set reads or writes is 8-byte aligned (block
 * and chunk headers, freelist links), so words are elements of the array;
 * copies and zeroing are whole words (chunk capacities and block sizes are
 * multiples of 8). An address outside this thread's live blocks is an
 * {@link IllegalArgumentException}, never a read of someone else's memory.
 *
 * <p><b>Realloc</b> makes a new array, copies and puts it in the same slot:
 * the address never changes (a realloc in place, as far as the set can tell).
 * A block can be at most 2^31 - 8 words (16 GiB, Java's array limit); above
 * that, or when the heap is exhausted, the source says out of memory.
 */
final class HeapBlockSource implements BlockSource {

    /** Bits of byte offset within a block: 2^36 bytes is more than the largest long[]. */
    static final int SLOT_SHIFT = 36;
    private static final long OFFSET_MASK = (1L << SLOT_SHIFT) - 1;
    /** The largest array the VM reliably allocates (a few words below Integer.MAX_VALUE). */
    private static final long MAX_WORDS = Integer.MAX_VALUE - 8;

    private static final ThreadLocal<Table> TABLES = ThreadLocal.withInitial(Table::new);

    private final Table table = TABLES.get();
    private int held;

    HeapBlockSource() {
    }

    /** The heap blocks of one thread: an array and its segment per slot, and which source holds the slot. */
    private static final class Table {
        final Thread thread = Thread.currentThread();
        long[][] words = new long[16][];
        MemorySegment[] segments = new MemorySegment[16];
        HeapBlockSource[] owners = new HeapBlockSource[16];
        int[] freeSlots = new int[16];
        int freeCount;
        /** The next slot never used; slot 0 stands for null. */
        int fresh = 1;

        int take(HeapBlockSource owner, long[] block) {
            int slot;
            if (freeCount > 0) {
                slot = freeSlots[--freeCount];
            } else {
                if (fresh == words.length) {
                    int n = words.length * 2;
                    words = Arrays.copyOf(words, n);
                    segments = Arrays.copyOf(segments, n);
                    owners = Arrays.copyOf(owners, n);
                }
                slot = fresh++;
            }
            put(slot, owner, block);
            return slot;
        }

        void put(int slot, HeapBlockSource owner, long[] block) {
            words[slot] = block;
            segments[slot] = MemorySegment.ofArray(block);
            owners[slot] = owner;
        }

        void release(int slot) {
            words[slot] = null;
            segments[slot] = null;
            owners[slot] = null;
            if (freeCount == freeSlots.length) {
                freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
            }
            freeSlots[freeCount++] = slot;
        }
    }

    @Override
    public long alloc(long size) {
        checkThread();
        long[] block = newBlock(size);
        if (block == null) {
            return 0;
        }
        held++;
        return (long) table.take(this, block) << SLOT_SHIFT;
    }

    /** A zeroed array of at least {@code size} bytes (the VM zeroes every new array), or null. */
    private static long[] newBlock(long size) {
        if (size <= 0 || size > MAX_WORDS * 8) {
            return null; // an overflowed size, or beyond any Java array
        }
        try {
            return new long[(int) ((size + 7) >>> 3)];
        } catch (OutOfMemoryError e) {
            return null; // the heap is this source's memory: its exhaustion is PostgreSQL's out of memory
        }
    }

    @Override
    public boolean free(long block, long size) {
        checkThread();
        if (!owns(block)) {
            return false;
        }
        table.release(slot(block));
        held--;
        return true;
    }

    @Override
    public long realloc(long block, long oldSize, long newSize) {
        checkThread();
        if (!owns(block)) {
            return 0;
        }
        if (newSize == oldSize) {
            return block;
        }
        long[] grown = newBlock(newSize);
        if (grown == null) {
            return 0;
        }
        int slot = slot(block);
        long[] old = table.words[slot];
        System.arraycopy(old, 0, grown, 0, (int) (Math.min(oldSize, newSize) >>> 3));
        table.put(slot, this, grown);
        return block;
    }

    @Override
    public boolean owns(long block) {
        int slot = slot(block);
        return (block & OFFSET_MASK) == 0 && slot > 0 && slot < table.fresh && table.owners[slot] == this;
    }

    @Override
    public int size() {
        return held;
    }

    @Override
    public void freeAll() {
        checkThread();
        for (int slot = 1; held > 0 && slot < table.fresh; slot++) {
            if (table.owners[slot] == this) {
                table.release(slot);
                held--;
            }
        }
    }

    // ---- the blocks' memory ----

    @Override
    public long getLong(long address) {
        return words(address)[word(address)];
    }

    @Override
    public void setLong(long address, long value) {
        words(address)[word(address)] = value;
    }

    @Override
    public void copy(long from, long to, long bytes) {
        System.arraycopy(words(from), word(from), words(to), word(to), (int) (bytes >>> 3));
    }

    /** Zeroes the words holding {@code bytes} bytes from {@code address} (the rest of the last word too). */
    @Override
    public void zero(long address, long bytes) {
        int from = word(address);
        Arrays.fill(words(address), from, from + (int) ((bytes + 7) >>> 3), 0L);
    }

    @Override
    public void setByte(long address, byte value) {
        blockSegment(address).set(JAVA_BYTE, address & OFFSET_MASK, value);
    }

    @Override
    public MemorySegment segment(long address, long size) {
        return blockSegment(address).asSlice(address & OFFSET_MASK, size);
    }

    /** The array {@code address} points into; an address of no live block of this thread is refused. */
    private long[] words(long address) {
        return table.words[liveSlot(address)];
    }

    /** The segment over the array {@code address} points into, refused as {@link #words} refuses. */
    private MemorySegment blockSegment(long address) {
        return table.segments[liveSlot(address)];
    }

    private int liveSlot(long address) {
        Table t = table;
        int slot = slot(address);
        if (slot <= 0 || slot >= t.fresh || t.words[slot] == null) {
            throw new IllegalArgumentException("0x" + Long.toHexString(address)
                    + " is not an address in a live heap block of thread \"" + t.thread.getName() + "\"");
        }
        return slot;
    }

    private static int slot(long address) {
        return (int) (address >>> SLOT_SHIFT);
    }

    private static int word(long address) {
        return (int) ((address & OFFSET_MASK) >>> 3);
    }

    private void checkThread() {
        BlockSource.checkThread(table.thread);
    }
}
