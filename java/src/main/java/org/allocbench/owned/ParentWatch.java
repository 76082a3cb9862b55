package org.allocbench.owned;

import java.io.IOException;
import java.io.InputStream;

/**
 * A child process that ends when its parent does. The parent holds the write
 * end of the child's stdin and never writes; the kernel closes it when the
 * parent dies, however it dies, and the child reads end-of-file. Polling the
 * parent's PID would also work, but only every so often, and PIDs are reused.
 */
public final class ParentWatch {

    /** The variable a parent sets for an {@code allocbench} child that must not outlive it. */
    public static final String ENV = "ALLOCBENCH_EXIT_WITH_PARENT";

    private ParentWatch() {
    }

    /**
     * Starts a daemon thread that reads {@code stdin} to its end and then ends
     * this JVM with {@code status}: with its shutdown hooks (a run marks itself
     * interrupted, a cluster stops) if {@code runHooks}, else at once.
     */
    public static void exitAtEndOf(InputStream stdin, int status, boolean runHooks) {
        Thread watcher = new Thread(() -> {
            try (InputStream in = stdin) {
                while (in.read() >= 0) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe is the parent's end too
            }
            if (runHooks) {
                System.exit(status);
            } else {
                Runtime.getRuntime().halt(status);
            }
        }, "allocbench-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** For {@code allocbench} started by another allocbench with {@link #ENV} set: exits (hooks run) when it dies. */
    public static void fromEnvironment() {
        if ("1".equals(System.getenv(ENV))) {
            exitAtEndOf(System.in, 143, true);
        }
    }
}
