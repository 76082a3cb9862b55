package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The other context kinds' lanes through {@link NativeReplay.PreparedTrace#countersAt} on small version 2
 * traces written out by hand (one context, the root, with the DEFAULT sizes 0 / 8192 / 8 MiB): Generation's
 * counters worked out for both builds (PostgreSQL 17 semantics in the default one, PostgreSQL 15's layout in
 * liballocbench-pg15.so), Slab's and Bump's for the default build; and the refusals, before anything runs, of
 * a trace the kind cannot replay: a pfree on Bump, two sizes on Slab.
 */
class NativeReplayKindsTest {

    private static long op(int kind, int slot, long size) {
        return kind | (long) slot << 3 | size << 27;
    }

    private static final int A = 1;
    private static final int F = 4;
    private static final int R = 5;
    private static final int[] ROOT_PARENTS = {-1};
    private static final long[] ROOT_SIZES = {0, 0, 0};
    private static final String[] ROOT_NAMES = {null};

    /** a 0 100, a 1 100, f 0, a 2 40: all in the root, one thread. */
    private static final long[] FREES = {op(A, 0, 100), op(A, 1, 100), op(F, 0, 0), op(A, 2, 40)};
    /** Fresh, after the two 100-byte chunks, after the free, at the end. */
    private static final long[] POINTS = {0, 2, 3, 4};
    private static final int[] IN_ROOT = {0, 0, 0, 0};

    private static NativeReplay.PreparedTrace prepare(NativeReplay.Variant variant, long[] ops, int slots) {
        int[] placement = new int[ops.length]; // context 0, thread 0
        return variant == null ? NativeReplay.prepareTree(ops, slots, placement, 1, ROOT_PARENTS, ROOT_SIZES,
                ROOT_NAMES) : variant.prepareTree(ops, slots, placement, 1, ROOT_PARENTS, ROOT_SIZES, ROOT_NAMES);
    }

    /**
     * PostgreSQL 17's Generation (default build): a fresh Generation(0, 8192, 8 MiB) has its keeper block of
     * 8192, 8008 free and 184 used (context and block headers). A 100-byte chunk takes MAXALIGN(100) = 104 plus
     * the 8-byte chunk header = 112, so two take 224: 8008 - 224 = 7784 free, 184 + 224 = 408 used. Generation
     * never reuses a freed chunk: the free leaves the free bytes alone and counts one free chunk (the block's
     * nfree). The 40-byte chunk takes 40 + 8 = 48: 7736 free, 456 used, still 1 free chunk. Counters are
     * (blocks, free chunks, total, free, used).
     */
    @Test
    void generationCountersInTheDefaultBuild() {
        try (NativeReplay.PreparedTrace t = prepare(null, FREES, 3)) {
            MemoryContextCounters[] c = t.countersAt(NativeReplay.Lane.GENERATION, AllocSetSizes.DEFAULT, POINTS,
                    IN_ROOT);
            assertArrayEquals(new MemoryContextCounters[] {
                new MemoryContextCounters(1, 0, 8192, 8008, 184),
                new MemoryContextCounters(1, 0, 8192, 7784, 408),
                new MemoryContextCounters(1, 1, 8192, 7784, 408),
                new MemoryContextCounters(1, 1, 8192, 7736, 456)}, c);
        }
    }

    /**
     * PostgreSQL 15's Generation (liballocbench-pg15.so): the fresh context has 7992 free and 200 used of its
     * 8192-byte keeper; a chunk header is 24 bytes (block, context, size), so a 100-byte chunk costs 104 + 24 =
     * 128 and two cost 256: 7736 free, 456 used. The free counts one free chunk and frees no bytes; the
     * 40-byte chunk costs 40 + 24 = 64: 7672 free, 520 used.
     */
    @Test
    void generationCountersInPostgres15sLayout() {
        try (NativeReplay.PreparedTrace t = prepare(NativeReplay.variant("pg15"), FREES, 3)) {
            MemoryContextCounters[] c = t.countersAt(NativeReplay.Lane.GENERATION, AllocSetSizes.DEFAULT, POINTS,
                    IN_ROOT);
            assertArrayEquals(new MemoryContextCounters[] {
                new MemoryContextCounters(1, 0, 8192, 7992, 200),
                new MemoryContextCounters(1, 0, 8192, 7736, 456),
                new MemoryContextCounters(1, 1, 8192, 7736, 456),
                new MemoryContextCounters(1, 1, 8192, 7672, 520)}, c);
        }
    }

    /**
     * Slab(8192, 100) in the default build: each chunk 112 bytes, 72 to a block, the context itself 176 bytes
     * and no block while nothing is allocated. The first a brings a block of 8192 (8368 in all); with two
     * chunks used, 70 are free, 70 x 112 = 7840 bytes; the free makes it 71 (7952); the third 100-byte chunk
     * takes one again.
     */
    @Test
    void slabCountersWithOneSize() {
        long[] oneSize = {op(A, 0, 100), op(A, 1, 100), op(F, 0, 0), op(A, 2, 100)};
        try (NativeReplay.PreparedTrace t = prepare(null, oneSize, 3)) {
            MemoryContextCounters[] c = t.countersAt(NativeReplay.Lane.SLAB, AllocSetSizes.DEFAULT, POINTS, IN_ROOT);
            assertArrayEquals(new MemoryContextCounters[] {
                new MemoryContextCounters(0, 0, 176, 0, 176),
                new MemoryContextCounters(1, 70, 8368, 7840, 528),
                new MemoryContextCounters(1, 71, 8368, 7952, 416),
                new MemoryContextCounters(1, 70, 8368, 7840, 528)}, c);
        }
    }

    /**
     * Bump(0, 8192, 8 MiB) in the default build: 8080 total in its keeper, 8048 free, 32 used; no chunk header,
     * so 100 bytes cost 104 and 40 cost 40 (144: 7904 free, 176 used); the reset rewinds the keeper, and 16
     * more bytes leave 8032 free, 48 used.
     */
    @Test
    void bumpCountersWithoutFrees() {
        long[] noFrees = {op(A, 0, 100), op(A, 1, 40), op(R, 0, 0), op(A, 0, 16)};
        try (NativeReplay.PreparedTrace t = prepare(null, noFrees, 2)) {
            MemoryContextCounters[] c = t.countersAt(NativeReplay.Lane.BUMP, AllocSetSizes.DEFAULT,
                    new long[] {0, 2, 4}, new int[] {0, 0, 0});
            assertArrayEquals(new MemoryContextCounters[] {
                new MemoryContextCounters(1, 0, 8080, 8048, 32),
                new MemoryContextCounters(1, 0, 8080, 7904, 176),
                new MemoryContextCounters(1, 0, 8080, 8032, 48)}, c);
        }
    }

    @Test
    void bumpRefusesATraceThatFrees() {
        for (NativeReplay.Variant variant : new NativeReplay.Variant[] {null, NativeReplay.variant("pg15")}) {
            try (NativeReplay.PreparedTrace t = prepare(variant, FREES, 3)) {
                MemoryContextException e = assertThrows(MemoryContextException.class,
                        () -> t.countersAt(NativeReplay.Lane.BUMP, AllocSetSizes.DEFAULT, POINTS, IN_ROOT));
                assertEquals(MemoryContextException.Kind.NOT_APPLICABLE, e.kind());
                assertEquals("not applicable to Bump: op 2 frees a chunk, and pfree is not supported by the bump"
                        + " memory allocator", e.getMessage());
            }
        }
    }

    @Test
    void slabRefusesATraceOfTwoSizes() {
        // FREES asks for 100 bytes, then 40 in the same context
        try (NativeReplay.PreparedTrace t = prepare(null, FREES, 3)) {
            MemoryContextException e = assertThrows(MemoryContextException.class,
                    () -> t.countersAt(NativeReplay.Lane.SLAB, AllocSetSizes.DEFAULT, POINTS, IN_ROOT));
            assertEquals(MemoryContextException.Kind.NOT_APPLICABLE, e.kind());
            assertEquals("not applicable to Slab: op 3 asks for 40 bytes in context 0, whose first chunk was 100 bytes"
                    + " (unexpected alloc chunk size 40 (expected 100))", e.getMessage());
        }
    }

    /** A refused trace is refused again, and the same prepared trace still replays in a lane that can. */
    @Test
    void aRefusalLeavesThePreparedTraceUsable() {
        try (NativeReplay.PreparedTrace t = prepare(null, FREES, 3)) {
            assertThrows(MemoryContextException.class,
                    () -> t.countersAt(NativeReplay.Lane.BUMP, AllocSetSizes.DEFAULT, POINTS, IN_ROOT));
            assertEquals(new MemoryContextCounters(1, 1, 8192, 7736, 456), t.countersAt(NativeReplay.Lane.GENERATION,
                    AllocSetSizes.DEFAULT, new long[] {4}, new int[] {0})[0]);
        }
    }
}
