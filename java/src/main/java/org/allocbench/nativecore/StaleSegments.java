package org.allocbench.nativecore;

import java.util.List;
import java.util.Objects;

/**
 * Removing the segments a killed run left behind, and nothing else.
 *
 * <p>Every POSIX, file and SysV segment {@link SharedSegment} creates has an
 * owner record (creator PID and start time, boot, run id: see
 * {@code native/src/shm_owner.c}). A segment is removed only if this user's
 * record names it, its creator has ended, it was not kept on purpose
 * ({@link SharedSegment#keepAfterExit()}, i.e. {@code allocbench shm create})
 * unless {@code alsoKept}, and no process has it attached. A name with the
 * tool's prefix or a key in its range proves nothing on its own: such
 * segments without a record are reported and kept.
 *
 * <p>Tests and anything else that runs beside other work clean up by run id
 * ({@link #ofRun}); {@link #ofThisUser} is for a person at a terminal
 * ({@code allocbench shm cleanup}).
 */
public final class StaleSegments {

    private StaleSegments() {
    }

    /**
     * Every stale segment recorded for this user, from any run. Returns one line
     * per segment looked at: {@code removed ...}, {@code kept ...: why},
     * {@code dropped ...} (a record whose segment is gone), {@code could not remove ...}.
     */
    public static List<String> ofThisUser(boolean alsoKept) {
        return SharedSegmentNative.cleanup(null, alsoKept);
    }

    /** The same for the segments recorded under one run id only (see {@link SharedSegment#runId()}). */
    public static List<String> ofRun(String runId, boolean alsoKept) {
        return SharedSegmentNative.cleanup(Objects.requireNonNull(runId, "runId"), alsoKept);
    }

    /** How many lines of a report say a segment was removed. */
    public static long removedCount(List<String> report) {
        return report.stream().filter(line -> line.startsWith("removed ")).count();
    }
}
