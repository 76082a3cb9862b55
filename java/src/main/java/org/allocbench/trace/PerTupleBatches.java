package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * per-tuple-batches: an executor's per-batch context. Each tuple allocates
 * 8 chunks of log-uniform size 8..1024 bytes (every fourth zeroed) and frees
 * every other one; an aggregate buffer doubles every 8 tuples; every 16th
 * tuple detoasts a large value (12..64 KiB) and frees it; every batch of 64
 * tuples ends in a reset. The sequence is cut at exactly the requested
 * count, mid-batch, so the end state has something to show.
 */
final class PerTupleBatches {

    private static final int TUPLES_PER_BATCH = 64;
    private static final int CHUNKS_PER_TUPLE = 8;
    private static final int ACCUMULATOR_SLOT = TUPLES_PER_BATCH * CHUNKS_PER_TUPLE;
    private static final int LARGE_SLOT = ACCUMULATOR_SLOT + 1;

    private PerTupleBatches() {
    }

    static OpSequence generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OpSequence.Builder ops = new OpSequence.Builder(Pattern.PER_TUPLE_BATCHES.patternName(), LARGE_SLOT + 1);
        while (ops.size() < count) {
            long accumulator = 64;
            ops.add(OpSequence.ALLOC, ACCUMULATOR_SLOT, accumulator);
            for (int tuple = 0; tuple < TUPLES_PER_BATCH; tuple++) {
                int base = tuple * CHUNKS_PER_TUPLE;
                for (int j = 0; j < CHUNKS_PER_TUPLE; j++) {
                    // log-uniform: as many 8..16 byte chunks as 512..1024 byte ones
                    long size = (long) Math.floor(Math.exp(random.nextDouble(Math.log(8), Math.log(1025))));
                    ops.add(j % 4 == 0 ? OpSequence.ALLOC_ZEROED : OpSequence.ALLOC, base + j, size);
                }
                for (int j = 1; j < CHUNKS_PER_TUPLE; j += 2) {
                    ops.add(OpSequence.FREE, base + j, 0);
                }
                if (tuple % 8 == 7) {
                    accumulator *= 2;
                    ops.add(OpSequence.REALLOC, ACCUMULATOR_SLOT, accumulator);
                }
                if (tuple % 16 == 15) {
                    ops.add(OpSequence.ALLOC, LARGE_SLOT, random.nextLong(12 * 1024, 64 * 1024 + 1));
                    ops.add(OpSequence.FREE, LARGE_SLOT, 0);
                }
            }
            ops.add(OpSequence.RESET, 0, 0);
        }
        return ops.build(count);
    }
}
