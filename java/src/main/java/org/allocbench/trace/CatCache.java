package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * catcache: CacheMemoryContext, where catalog and relation cache entries live
 * for the whole session. Entries of log-uniform 32..1024 bytes (one in four
 * zeroed, as palloc0'd structs are) are added; one op in 32 is an
 * invalidation that frees a random entry, whose slot the next entry reuses.
 * When 16384 entries are live the cache is reset (as after a shared
 * invalidation queue overflow) and fills again, so memory stays bounded.
 */
final class CatCache {

    static final int SLOTS = 16384;
    static final long MIN_SIZE = 32;
    static final long MAX_SIZE = 1024;
    /** One op in this many frees an entry. */
    static final int FREE_ONE_IN = 32;
    /** One allocation in this many is zeroed. */
    static final int ZEROED_ONE_IN = 4;

    private CatCache() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.CATCACHE.patternName(), SLOTS, ops);
        SlotPool pool = new SlotPool(SLOTS);
        while (!out.done()) {
            if (!pool.hasEmpty()) {
                out.reset();
                pool.clear();
            } else if (pool.live() > 0 && random.nextInt(FREE_ONE_IN) == 0) {
                int slot = pool.randomLive(random);
                out.free(slot);
                pool.release(slot);
            } else {
                int slot = pool.take();
                long size = Sizes.logUniform(random, MIN_SIZE, MAX_SIZE);
                if (random.nextInt(ZEROED_ONE_IN) == 0) {
                    out.allocZeroed(slot, size);
                } else {
                    out.alloc(slot, size);
                }
            }
        }
        return out.build();
    }
}
