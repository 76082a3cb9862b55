package org.allocbench.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hosts an inventory (and {@code --limit}) gives the fleet, asked of Ansible before anything is written or
 * any host is touched: an inventory Ansible cannot parse, one with no host, or a limit that matches none would
 * otherwise surface as a playbook that "ran no task" (ansible-playbook only warns about an inventory it could
 * not parse, and goes on with none), and a host whose name cannot name its directory in the fleet run would
 * only be refused by the merge, after the campaign ran everywhere.
 */
public final class Inventory {

    private Inventory() {
    }

    /**
     * The hosts, or IllegalArgumentException with Ansible's reason (a usage error); null when the {@code ansible}
     * command is not beside {@code ansible-playbook} (the playbook's own run then says what it says).
     */
    public static List<String> hosts(Path ansiblePlaybook, Path inventory, String limit)
            throws IOException, InterruptedException {
        Path ansible = ansiblePlaybook.resolveSibling("ansible");
        if (!Files.isExecutable(ansible)) {
            return null;
        }
        List<String> command = new ArrayList<>(List.of(ansible.toString(), "all", "-i",
                inventory.toAbsolutePath().toString(), "--list-hosts"));
        if (limit != null) {
            command.addAll(List.of("--limit", limit));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "true"); // an error, not a warning and no hosts
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        Process p = pb.start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
        } finally {
            p.destroy();
        }
        return hosts(output, p.exitValue(), inventory, limit);
    }

    /** What {@code ansible all --list-hosts} said, read: the hosts, or why there are none. */
    static List<String> hosts(String output, int exit, Path inventory, String limit) {
        List<String> hosts = new ArrayList<>();
        List<String> messages = new ArrayList<>(); // warnings and errors, their wrapped lines joined
        for (String line : output.split("\n")) {
            if (line.startsWith("    ") && !line.isBlank()) {
                hosts.add(line.strip());
            } else if (line.startsWith("[WARNING]:") || line.startsWith("ERROR!")) {
                messages.add(line.replaceFirst("^(\\[WARNING]:\\s*(\\*\\s*)?|ERROR!\\s*)", ""));
            } else if (!messages.isEmpty() && !line.isBlank() && !line.startsWith(" ")) {
                messages.set(messages.size() - 1, messages.getLast() + " " + line.strip());
            }
        }
        String parse = messages.stream().filter(m -> m.startsWith("Failed to parse")).findFirst().orElse(null);
        if (parse != null || (exit != 0 && messages.stream().anyMatch(m -> m.startsWith("No inventory was parsed")))) {
            throw new IllegalArgumentException("--inventory: Ansible cannot read " + inventory + ": "
                    + FleetEvents.firstLine(parse != null ? parse : String.join("; ", messages)));
        }
        if (exit != 0 || hosts.isEmpty()) {
            if (limit != null) {
                throw new IllegalArgumentException("--limit " + limit + " matches no host of " + inventory);
            }
            if (exit != 0) {
                throw new IllegalArgumentException("--inventory: ansible cannot list the hosts of " + inventory
                        + " (exit " + exit + ")" + (messages.isEmpty() ? "" : ": "
                        + FleetEvents.firstLine(String.join("; ", messages))));
            }
            throw new IllegalArgumentException("--inventory: " + inventory + " lists no host");
        }
        for (String host : hosts) {
            String problem = FleetMerge.hostNameProblem(host);
            if (problem != null) {
                throw new IllegalArgumentException("--inventory: host " + problem + " (it names the host's directory"
                        + " in the fleet run): give it another name, e.g. NAME ansible_host=" + host);
            }
        }
        return hosts;
    }
}
