package org.allocbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playbook's events as they come: progress per host step, the first failure per host with Ansible's reason,
 * an ignored failure only a warning, and a line torn in the middle of a write read once it is whole.
 */
class FleetEventsTest {

    @Test
    void progressAndTheFirstFailurePerHost(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("events.jsonl");
        List<String> progress = new ArrayList<>();
        FleetEvents.Tail tail = new FleetEvents.Tail(file, progress::add);
        tail.poll(); // no file yet: nothing
        append(file, """
                {"host": "alpha", "task": "Copy the jar", "status": "start"}
                {"host": "alpha", "task": "Copy the jar", "status": "ok"}
                {"host": "gamma", "task": "Gathering Facts", "status": "unreachable", "reason": "Failed to connect"}
                {"host": "beta", "task": "Install the allocators' Debian packages", "status": "ignored", "reason": "no sudo"}
                {"host": "beta", "task": "Run the campaign", "status": "failed", "reason": "allocbench run: error: x (exit status 1)\\nmore"}
                {"host": "beta", "task": "Remove the working directory from the host", "status": "fail""");
        tail.poll();
        assertEquals(List.of("alpha: Copy the jar", "gamma: unreachable: Failed to connect",
                "beta: warning: \"Install the allocators' Debian packages\" failed and the host goes on: no sudo",
                "beta: failed at \"Run the campaign\": allocbench run: error: x (exit status 1)"), progress);
        append(file, "ed\", \"reason\": \"later\"}\n");
        tail.poll();
        assertNull(tail.hosts().get("alpha").failure());
        assertEquals("unreachable: Failed to connect", tail.hosts().get("gamma").failure());
        assertEquals("failed at \"Run the campaign\": allocbench run: error: x (exit status 1)",
                tail.hosts().get("beta").failure(), "the first failure is the reason, not the cleanup's");
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
