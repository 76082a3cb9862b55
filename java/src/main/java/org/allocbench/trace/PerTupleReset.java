package org.allocbench.trace;

import java.util.SplittableRandom;

/**
 * per-tuple-reset: the plain per-tuple memory context. Each tuple makes a
 * batch of 16..256 small allocations (log-uniform 8..256 bytes), frees none of
 * them and ends in a reset (ExecScan's ResetExprContext). The richer
 * per-tuple-batches adds frees, a growing buffer and large values.
 */
final class PerTupleReset {

    static final int MIN_BATCH = 16;
    static final int MAX_BATCH = 256;
    static final long MIN_SIZE = 8;
    static final long MAX_SIZE = 256;

    private PerTupleReset() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.PER_TUPLE_RESET.patternName(), MAX_BATCH, ops);
        while (!out.done()) {
            int batch = random.nextInt(MIN_BATCH, MAX_BATCH + 1);
            for (int slot = 0; slot < batch; slot++) {
                out.alloc(slot, Sizes.logUniform(random, MIN_SIZE, MAX_SIZE));
            }
            out.reset();
        }
        return out.build();
    }
}
