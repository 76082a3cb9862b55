package org.allocbench.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A child process's standard error, read to its end on a thread of its own
 * from the moment the child starts (so the child never blocks on a full pipe,
 * and nothing it says is lost, however late), for failure messages.
 */
public final class ChildStderr {

    private final CompletableFuture<String> text = new CompletableFuture<>();

    private ChildStderr(Process child) {
        Thread.ofVirtual().start(() -> {
            try {
                text.complete(new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        });
    }

    /** Starts draining {@code child}'s standard error. */
    public static ChildStderr drain(Process child) {
        return new ChildStderr(child);
    }

    /** ": " and its last three lines joined, or "" if it said nothing; waits for the child to close it. */
    public String tail() {
        List<String> lines = text.join().strip().lines().toList();
        return lines.isEmpty() ? "" : ": " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3),
                lines.size()));
    }
}
