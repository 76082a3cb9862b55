package org.allocbench.arena;

/**
 * Where a {@link JavaAllocSet}'s blocks come from: the Java counterpart of
 * the native block source ({@code native/src/block_source.c}). Addresses are
 * plain longs; a block is 8-byte aligned, and not zeroed except the first one
 * a source hands out (the keeper, whose 200-byte stand-in for the context
 * struct the set leaves zero). A source belongs to the thread that made it,
 * as its set does: other threads are refused with a WrongThreadException.
 */
interface BlockSource {

    /** A block of {@code size} bytes, or 0 if out of memory (or the size overflowed). */
    long alloc(long size);

    /** Gives a block back. False if {@code block} is not one of ours (nothing is freed then). */
    boolean free(long block);

    /**
     * The block resized to {@code newSize} bytes, the first {@code min(oldSize, newSize)} bytes kept, maybe
     * moved; or 0 if out of memory, the old block untouched.
     */
    long realloc(long block, long oldSize, long newSize);

    /** Whether {@code block} is a live block of this source. */
    boolean owns(long block);

    /** Blocks currently held. */
    int size();

    /** Frees every block (after an error left the set unusable, or at close). */
    void freeAll();


    /** Refuses every thread but {@code owner}, the one that made the source, naming both. */
    static void checkThread(Thread owner) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("the blocks of this source belong to thread \"" + owner.getName()
                    + "\", not \"" + Thread.currentThread().getName() + "\"");
        }
    }
}
