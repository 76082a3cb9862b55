package org.allocbench.trace;

/**
 * Allocation patterns built into the suite, deterministic by seed: the
 * entry point by name, delegating to {@link Pattern} (which lists them all,
 * with what each models).
 */
public final class BuiltinPatterns {

    private BuiltinPatterns() {
    }

    /**
     * The pattern of a name ({@link Pattern#names()}), exactly {@code ops} operations.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or negative ops
     */
    public static OpSequence byName(String name, int ops, long seed) {
        return Pattern.byName(name).generate(ops, seed);
    }

    /** small-churn: see {@link Pattern#SMALL_CHURN}. */
    public static OpSequence smallChurn(int ops, long seed) {
        return Pattern.SMALL_CHURN.generate(ops, seed);
    }

    /** per-tuple-batches: see {@link Pattern#PER_TUPLE_BATCHES}. */
    public static OpSequence perTupleBatches(int count, long seed) {
        return Pattern.PER_TUPLE_BATCHES.generate(count, seed);
    }
}
