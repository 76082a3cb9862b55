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
        /** Interleaved fork pairs (A_i, B_i): pairs resampled, median of the pair ratios. */
        PAIRS("fork pairs"),
        /** Two independent sets of forks, each resampled on its own: ratio of the medians of fork medians. */
        FORKS("forks"),
        /** Fewer than two forks on a side: rounds resampled (not independent: the interval is optimistic). */
        ROUNDS("rounds"),
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

    /** Faster if the whole interval is below 1, slower if above 1, else no difference. */
    public Verdict verdict() {
        if (!hasInterval()) {
            return Verdict.NO_DATA;
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
        return hasInterval() ? String.format("%.3f [%.3f, %.3f]", ratio, low, high)
                : (Double.isNaN(ratio) ? "-" : String.format("%.3f [no interval]", ratio));
    }

    /** "[1.021, 1.065]". */
    public String formatInterval() {
        return hasInterval() ? String.format("[%.3f, %.3f]", low, high) : "-";
    }
}
