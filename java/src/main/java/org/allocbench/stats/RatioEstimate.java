package org.allocbench.stats;

/**
 * A ratio B/A (lower is better for both, so above 1 means B is slower) with its
 * confidence interval {@code low..high} at {@code confidence}. {@code method}
 * says what was resampled, {@code unitsA}/{@code unitsB} how many independent
 * units each side had (forks, pairs or rounds), and {@code note} why the interval
 * may be weaker than it looks (empty when there is nothing to say). The
 * interval is NaN..NaN when there is too little data for one.
 */
public record RatioEstimate(double ratio, double low, double high, double confidence, Method method, int unitsA,
        int unitsB, String note) {

    /** What the bootstrap resampled. */
    public enum Method {
        /** Fork pairs (A_i, B_i) from the same slot of a rotation: pairs resampled, median of the pair ratios. */
        PAIRS("fork pairs"),
        /** Two independent sets of forks, each resampled on its own: ratio of the medians of fork medians. */
        FORKS("forks"),
        /** Fewer than 3 forks on a side: rounds resampled within each JVM (not independent: too narrow, no verdict). */
        ROUNDS("rounds within one JVM"),
        /** Not enough data for an interval. */
        NONE("none");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public boolean hasInterval() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** Whether a verdict may be drawn: an interval over independent processes (forks or fork pairs). */
    public boolean overForks() {
        return hasInterval() && (method == Method.PAIRS || method == Method.FORKS);
    }

    /**
     * Faster if the whole interval is below 1, slower if above 1, else no
     * difference; never a verdict from a within-JVM interval.
     */
    public Verdict verdict() {
        if (!hasInterval()) {
            return Verdict.NO_DATA;
        }
        if (method == Method.ROUNDS) {
            return Verdict.WITHIN_JVM;
        }
        if (high < 1.0) {
            return Verdict.FASTER;
        }
        if (low > 1.0) {
            return Verdict.SLOWER;
        }
        return Verdict.NO_DIFFERENCE;
    }

    /** "1.043 [1.021, 1.065]". */
    public String format() {
        return hasInterval() ? String.format(java.util.Locale.ROOT, "%.3f %s", ratio, formatInterval())
                : (Double.isNaN(ratio) ? "-" : String.format(java.util.Locale.ROOT, "%.3f [no interval]", ratio));
    }

    /** "[1.021, 1.065]", "[1.021, 1.065] within-JVM" for an interval over rounds of one process. */
    public String formatInterval() {
        return !hasInterval() ? "-" : String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", low, high)
                + (method == Method.ROUNDS ? " within-JVM" : "");
    }

    /** Whether the two intervals overlap (a point counts as its own interval). */
    public boolean overlaps(RatioEstimate other) {
        double lo = hasInterval() ? low : ratio;
        double hi = hasInterval() ? high : ratio;
        double olo = other.hasInterval() ? other.low : other.ratio;
        double ohi = other.hasInterval() ? other.high : other.ratio;
        return lo <= ohi && olo <= hi;
    }

    /** The reference's ratio to itself: exactly 1, no interval needed (it ranks as the point 1). */
    public static RatioEstimate identity(double confidence) {
        return new RatioEstimate(1.0, Double.NaN, Double.NaN, confidence, Method.NONE, 0, 0, "the reference");
    }
}
