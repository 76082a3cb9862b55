package org.allocbench.results;

/**
 * What ran: {@code id} (the run directory's name), the campaign ("quick", "full",
 * or a file's name), {@code status} ({@link #RUNNING} while cells are being
 * added, then {@link #COMPLETE}, {@link #INTERRUPTED} (Ctrl-C),
 * {@link #FAILED} or {@link #KILLED}), ISO-8601 UTC times ({@code finished} null while running),
 * the command line, the jar (path and SHA-256) and the git commit it was built
 * from (null if unknown).
 */
public record RunInfo(String id, String campaign, String status, String started, String finished, String command,
        String jar, String jarSha256, String gitCommit, String version) {

    public static final String RUNNING = "running";
    public static final String COMPLETE = "complete";
    public static final String INTERRUPTED = "interrupted";
    public static final String FAILED = "failed";
    /** Set by the reaper (the owner records' package) when the run's process died without a word (SIGKILL, OOM killer). */
    public static final String KILLED = "killed";

    public RunInfo ended(String endStatus, String when) {
        return new RunInfo(id, campaign, endStatus, started, when, command, jar, jarSha256, gitCommit, version);
    }
}
