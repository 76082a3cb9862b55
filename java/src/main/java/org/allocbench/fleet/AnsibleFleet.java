package org.allocbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.allocbench.nativecore.OptionalRoot;
import org.allocbench.results.ResultsStore;

/**
 * Runs the fleet playbook with {@code ansible-playbook} on an inventory and says, per host, whether a run came
 * back or why not: Ansible does the fan-out (ssh, become, parallel hosts, unreachable hosts), the suite only
 * asks it and reads its answer. The playbook is written out of the jar into {@code OUT/ansible/}, the hosts'
 * run directories are fetched into {@code OUT/hosts/HOST/}, and Ansible's own output is kept in
 * {@code OUT/ansible/ansible.log}. Progress comes from the playbook's events (one JSON line per task and host,
 * {@code allocbench_events}), as they happen.
 *
 * <p>If this process dies, {@code ansible-playbook} is stopped too, with its workers (it runs in a session of
 * its own behind a shell that kills its process group when our end of its standard input closes). A campaign already started on a host runs to its end there (Ansible
 * started it as an async job) and its working directory stays: the playbook's cleanup never ran.
 */
public final class AnsibleFleet {

    /** What the fleet runs, where. {@code campaignFile} null: {@code campaign} is a built-in name. */
    public record Request(Path inventory, Path jar, String campaign, Path campaignFile, String limit,
            List<String> runArgs, boolean noInstall, int parallelHosts, Path out) {
    }

    /** The hosts that brought a run back and those that did not (with Ansible's reason). */
    public record Outcome(List<FleetMerge.HostRun> ran, List<FleetMerge.NotRun> notRun, int ansibleExit) {
    }

    /** The Debian package that has ansible-playbook, for messages. */
    public static final String PACKAGE = "ansible-core";
    static final String ANSIBLE_DIR = "ansible";
    static final String LOG = "ansible.log";
    static final String EVENTS = "events.jsonl";

    private AnsibleFleet() {
    }

    /** ansible-playbook on the PATH (under ALLOCBENCH_OPTIONAL_ROOT when set: CI's fresh-machine pass). */
    public static Optional<Path> ansiblePlaybook() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            Path candidate = OptionalRoot.resolve(Path.of(dir, "ansible-playbook"));
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why the fleet cannot run here, or null. */
    public static String missing() {
        return ansiblePlaybook().isPresent() ? null : "ansible-playbook is not installed" + OptionalRoot.note()
                + ": apt-get install " + PACKAGE + " (Debian), or pip install " + PACKAGE;
    }

    /** Runs the playbook; {@code progress} gets one line per host step. */
    public static Outcome run(Request r, Consumer<String> progress) throws IOException, InterruptedException {
        Path ansible = ansiblePlaybook().orElseThrow(() -> new IllegalStateException(missing()));
        Path dir = r.out().resolve(ANSIBLE_DIR);
        Files.createDirectories(dir);
        Path playbook = Playbook.writeTo(dir);
        Path fetched = r.out().resolve(FleetMerge.HOSTS_DIR).toAbsolutePath();
        Files.createDirectories(fetched);
        Path vars = dir.resolve("vars.json");
        Files.writeString(vars, ResultsStore.json().writeValueAsString(variables(r, fetched)), StandardCharsets.UTF_8);
        Path events = dir.resolve(EVENTS);
        Files.deleteIfExists(events);

        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                // ansible-playbook ends when we do: the reader of our pipe sees it close and stops it (fd 3: a
                // background job's standard input is /dev/null), with its process group: its forked workers
                // (one polling a host's async campaign, say) outlive a TERM of their parent alone, for good
                "exec 3<&0; setsid \"$@\" & child=$!; (cat <&3 >/dev/null; kill -TERM -$child 2>/dev/null) &"
                        + " wait $child",
                "sh",
                ansible.toString(), "-i", r.inventory().toAbsolutePath().toString(), playbook.toString(),
                "-e", "@" + vars, "--forks", Integer.toString(r.parallelHosts())));
        if (r.limit() != null) {
            command.addAll(List.of("--limit", r.limit()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(LOG).toFile());
        Map<String, String> env = pb.environment();
        env.put("ANSIBLE_CALLBACK_PLUGINS", dir.resolve(Playbook.CALLBACKS).toString());
        env.put("ANSIBLE_CALLBACKS_ENABLED", "allocbench_events");
        env.put("ALLOCBENCH_FLEET_EVENTS", events.toString());
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "false");
        env.put("ANSIBLE_NOCOLOR", "1");
        Process process = pb.start();
        FleetEvents.Tail tail = new FleetEvents.Tail(events, progress);
        int exit;
        try {
            while (!process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                tail.poll();
            }
            exit = process.exitValue();
        } finally {
            process.getOutputStream().close();
            process.destroy();
        }
        tail.poll();
        return outcome(tail.hosts(), fetched, exit, dir.resolve(LOG));
    }

    private static Map<String, Object> variables(Request r, Path fetched) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("allocbench_jar", r.jar().toAbsolutePath().toString());
        if (r.campaignFile() != null) {
            vars.put("allocbench_campaign_file", r.campaignFile().toAbsolutePath().toString());
        } else {
            vars.put("allocbench_campaign", r.campaign());
        }
        vars.put("allocbench_fetch_dir", fetched.toString());
        vars.put("allocbench_fleet_id", "allocbench-" + r.out().toAbsolutePath().getFileName());
        vars.put("allocbench_run_args", r.runArgs());
        if (r.noInstall()) {
            vars.put("allocbench_install_packages", false); // extra vars win over the inventory: only when asked
        }
        return vars;
    }

    /** Per host: its fetched run, or why there is none. */
    private static Outcome outcome(Map<String, FleetEvents.HostState> hosts, Path fetched, int exit, Path log)
            throws IOException {
        if (hosts.isEmpty()) {
            throw new IllegalStateException("ansible-playbook ran no task (exit " + exit + "): "
                    + FleetEvents.lastLines(log, 3) + " (all of it in " + log + ")");
        }
        List<FleetMerge.HostRun> ran = new ArrayList<>();
        List<FleetMerge.NotRun> notRun = new ArrayList<>();
        for (FleetEvents.HostState h : hosts.values()) {
            Path run = h.failure() == null ? runDirectory(fetched.resolve(h.host())) : null;
            if (run != null) {
                ran.add(new FleetMerge.HostRun(h.host(), run));
            } else {
                notRun.add(new FleetMerge.NotRun(h.host(), h.failure() != null ? h.failure()
                        : "no run came back (ansible-playbook exit " + exit + "; see " + log + ")"));
            }
        }
        return new Outcome(ran, notRun, exit);
    }

    /** The one run directory fetched for a host, or null. */
    private static Path runDirectory(Path hostDir) {
        if (!Files.isDirectory(hostDir)) {
            return null;
        }
        try (Stream<Path> entries = Files.list(hostDir)) {
            List<Path> runs = entries.filter(p -> Files.isRegularFile(p.resolve(ResultsStore.RESULTS_FILE))).toList();
            return runs.size() == 1 ? runs.get(0) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + hostDir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a JSON line, or null for a torn one. */
    static JsonNode parse(String line) {
        try {
            return ResultsStore.json().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
