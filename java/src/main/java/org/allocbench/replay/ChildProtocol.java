package org.allocbench.replay;

import java.util.Arrays;

/**
 * What the suite's native helper programs (allocbench-replay, allocbench-procs)
 * have in common as children of this JVM: their lines carry lists of numbers
 * as comma-separated text, and a wait for one of them must not leave it
 * running if this thread is interrupted.
 */
public final class ChildProtocol {

    private ChildProtocol() {
    }

    /** "1,2,3" as longs. */
    public static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** The child's exit status; interrupted, the child is killed and the interrupt kept. */
    public static int waitFor(Process child, String program) {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + program + " ran", e);
        }
    }
}
