package org.allocbench.trace;

import java.util.SplittableRandom;

/** The size distributions the generators draw from. */
final class Sizes {

    private Sizes() {
    }

    /**
     * Log-uniform on {@code min..max} inclusive: each doubling of the size
     * range is equally likely (as many 8..16-byte chunks as 4096..8192-byte ones).
     */
    static long logUniform(SplittableRandom random, long min, long max) {
        long size = (long) Math.floor(Math.exp(random.nextDouble(Math.log(min), Math.log(max + 1))));
        return Math.clamp(size, min, max);
    }

    /** Uniform on {@code min..max} inclusive. */
    static long uniform(SplittableRandom random, long min, long max) {
        return random.nextLong(min, max + 1);
    }
}
