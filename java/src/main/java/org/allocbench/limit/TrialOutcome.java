package org.allocbench.limit;

/**
 * How a trial ended. {@code status}: {@link #COMPLETED}, {@link #KILLED} (by a
 * signal: {@code signal}; {@code oomKill} says whether the cgroup's own
 * counters confirm an OOM kill), {@link #OUT_OF_MEMORY} (an allocation failed
 * and the child reported it: the RLIMIT_AS fallback's way to end) or
 * {@link #FAILED}. {@code peakBytes}: the cgroup's peak usage (-1 unknown);
 * {@code opsDone}, {@code allocatorHeldBytes} and {@code liveBytes}: the
 * child's last report before it ended.
 */
public record TrialOutcome(String status, long pid, int signal, boolean oomKill, long peakBytes, long opsDone,
        long liveBytes, long allocatorHeldBytes, String message) {

    public static final String COMPLETED = "completed";
    public static final String KILLED = "killed";
    public static final String OUT_OF_MEMORY = "out-of-memory";
    public static final String FAILED = "failed";

    public boolean survived() {
        return status.equals(COMPLETED);
    }
}
