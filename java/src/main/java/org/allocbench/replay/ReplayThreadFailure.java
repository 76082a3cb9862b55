package org.allocbench.replay;

/**
 * What the replay threads' failure becomes on the thread that waited for them: the same exception when it is
 * unchecked (so a NotApplicable or an OutOfMemoryError reads as it was thrown), wrapped otherwise.
 */
final class ReplayThreadFailure {

    private ReplayThreadFailure() {
    }

    /** Throws {@code failure} (as it is if unchecked); nothing if it is null. */
    static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a replay thread failed: " + failure, failure);
        }
    }
}
