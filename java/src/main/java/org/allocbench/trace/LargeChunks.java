package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * large-chunks: large varlena values among ordinary chunks. One allocation
 * in five is above AllocSet's chunk limit (8192 bytes: a dedicated block),
 * log-uniform 8193 bytes..4 MiB; the rest log-uniform 8..8192 bytes. Each op
 * picks one of 256 slots at random and frees it if full, fills it if empty
 * (about 128 live); an allocation that would take the live bytes above
 * 64 MiB waits, and a random live chunk is freed instead, so replays stay cheap.
 */
final class LargeChunks {

    static final int SLOTS = 256;
    static final long CHUNK_LIMIT = 8192;
    static final long MAX_LARGE = 4L << 20;
    static final long MAX_LIVE_BYTES = 64L << 20;
    /** One allocation in this many is large. */
    static final int LARGE_ONE_IN = 5;

    private LargeChunks() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.LARGE_CHUNKS.patternName(), SLOTS, ops);
        SlotPool pool = new SlotPool(SLOTS);
        long pending = drawSize(random); // drawn once and kept until placed, so the bound biases no size
        while (!out.done()) {
            int slot = random.nextInt(SLOTS);
            if (out.full(slot)) {
                free(out, pool, slot);
            } else if (out.liveBytes() + pending > MAX_LIVE_BYTES) {
                free(out, pool, pool.randomLive(random));
            } else {
                // the pool hands out the slot just picked: keep its bookkeeping in step
                pool.takeSlot(slot);
                out.alloc(slot, pending);
                pending = drawSize(random);
            }
        }
        return out.build();
    }

    private static void free(PatternBuilder out, SlotPool pool, int slot) {
        out.free(slot);
        pool.release(slot);
    }

    private static long drawSize(SplittableRandom random) {
        return random.nextInt(LARGE_ONE_IN) == 0
                ? Sizes.logUniform(random, CHUNK_LIMIT + 1, MAX_LARGE)
                : Sizes.logUniform(random, 8, CHUNK_LIMIT);
    }
}
