package org.allocbench.trace;

/**
 * The one way to get a built-in trace: by its name, with its op count and
 * seed (deterministic by seed). {@link Pattern} lists the patterns, with what
 * each models; code that walks all of them may call
 * {@link Pattern#generate} on each, which is what this does.
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
}
