package org.allocbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The fleet playbook's events (scripts/fleet/callback_plugins/allocbench_events.py: one JSON line per task and
 * host) read as they are written: a progress line per host step, and per host the first failure with
 * Ansible's reason. A failure Ansible was told to ignore (installing packages without become) is a warning,
 * not a failure.
 */
final class FleetEvents {

    /** A host as its events left it: the task it is at, and its failure (null: none so far). */
    record HostState(String host, String task, String failure) {
    }

    private FleetEvents() {
    }

    /** Follows the events file: {@link #poll} reads what is new and reports it. */
    static final class Tail {
        private final Path file;
        private final Consumer<String> progress;
        private final Map<String, HostState> hosts = new LinkedHashMap<>();
        private long offset;
        private String partial = "";

        Tail(Path file, Consumer<String> progress) {
            this.file = file;
            this.progress = progress;
        }

        void poll() throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                if (in.length() <= offset) {
                    return;
                }
                in.seek(offset);
                byte[] bytes = new byte[(int) (in.length() - offset)];
                in.readFully(bytes);
                offset += bytes.length;
                String text = partial + new String(bytes, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                partial = text.substring(end + 1);
                if (end >= 0) {
                    text.substring(0, end).lines().forEach(this::event);
                }
            }
        }

        Map<String, HostState> hosts() {
            return hosts;
        }

        private void event(String line) {
            JsonNode e = AnsibleFleet.parse(line);
            if (e == null || !e.hasNonNull("host")) {
                return;
            }
            String host = e.get("host").asText();
            String task = e.path("task").asText("");
            String status = e.path("status").asText("");
            String reason = firstLine(e.path("reason").asText(""));
            HostState before = hosts.getOrDefault(host, new HostState(host, null, null));
            switch (status) {
                case "start" -> {
                    hosts.put(host, new HostState(host, task, before.failure()));
                    progress.accept(host + ": " + task);
                }
                case "failed", "unreachable" -> {
                    String failure = ("unreachable".equals(status) ? "unreachable" : "failed at \"" + task + "\"")
                            + (reason.isEmpty() ? "" : ": " + reason);
                    hosts.put(host, new HostState(host, task,
                            before.failure() == null ? failure : before.failure()));
                    progress.accept(host + ": " + failure);
                }
                case "ignored" -> progress.accept(host + ": warning: \"" + task + "\" failed and the host goes on"
                        + (reason.isEmpty() ? "" : ": " + reason));
                default -> hosts.putIfAbsent(host, before);
            }
        }
    }

    /** The first non-empty line of Ansible's reason (a failed command's stderr can be long). */
    static String firstLine(String text) {
        for (String l : text.strip().split("\n")) {
            if (!l.isBlank()) {
                return l.strip().length() > 300 ? l.strip().substring(0, 297) + "..." : l.strip();
            }
        }
        return "";
    }

    /** The last {@code n} non-empty lines of a file, joined with " / ", for a message. */
    static String lastLines(Path file, int n) throws IOException {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
