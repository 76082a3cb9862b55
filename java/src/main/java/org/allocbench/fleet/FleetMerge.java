package org.allocbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.allocbench.nativecore.BundledFiles;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;

/**
 * One run made of several hosts' runs of one campaign ({@code allocbench merge}, and {@code allocbench fleet}
 * after the playbook): every cell carries its host, the environment keeps each host's environment (and, for a
 * host that did not run, why), and each host's run directory is kept under {@code hosts/HOST/} so that the
 * cells' files (raw JMH JSON, latency logs) still resolve.
 *
 * <p>Only runs that measured the same thing merge: one campaign, one results schema, the same settings (ops,
 * seed, iterations, forks, traces). Anything else would put numbers side by side that were not measured
 * alike, so it is refused with the difference named, before anything is written.
 */
public final class FleetMerge {

    /** Where the hosts' run directories go inside a merged run. */
    public static final String HOSTS_DIR = "hosts";
    /** The environment's key of the hosts: name to status, run id, reason and environment. */
    public static final String ENVIRONMENT_HOSTS = "hosts";

    /** A host name is a directory name in the merged run: no separators, no surprises. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** A host's run: its name (null: the hostname its environment recorded) and its run directory. */
    public record HostRun(String host, Path runDirectory) {
    }

    /** A host that produced no run, and why (Ansible's reason, for a fleet). */
    public record NotRun(String host, String reason) {
    }

    private FleetMerge() {
    }

    /**
     * Merges {@code runs} into the new run directory {@code out} (absent or empty) and returns what it wrote.
     * Throws IllegalArgumentException, naming the runs, when they cannot be merged; nothing is written then.
     */
    public static RunResults merge(List<HostRun> runs, List<NotRun> notRun, Path out, String command) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no run to merge");
        }
        List<RunResults> read = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (HostRun r : runs) {
            RunResults results = ResultsStore.read(r.runDirectory());
            if (!results.hosts().isEmpty() || results.environment().containsKey(ENVIRONMENT_HOSTS)) {
                throw new IllegalArgumentException(r.runDirectory() + " is a merged run already (hosts "
                        + String.join(", ", results.hosts()) + "): merge the hosts' own runs");
            }
            read.add(results);
            names.add(hostName(r, results));
        }
        checkAlike(runs, read);
        checkNames(runs, names, notRun);
        checkOut(out, runs);

        Path root = out.toAbsolutePath().normalize(); // kept runs are absolute: relative to this, not to out
        List<Path> made = new ArrayList<>(); // the directories this merge created: removed again if it fails
        try {
            return write(runs, notRun, names, read, out, root, command, made);
        } catch (RuntimeException e) {
            made.forEach(BundledFiles::deleteQuietly); // best effort: the merge's own error is the message
            throw e;
        }
    }

    private static RunResults write(List<HostRun> runs, List<NotRun> notRun, List<String> names,
            List<RunResults> read, Path out, Path root, String command, List<Path> made) {
        List<Cell> cells = new ArrayList<>();
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            Path source = runs.get(i).runDirectory();
            Path kept = keep(source, root.resolve(HOSTS_DIR).resolve(names.get(i)), made);
            String prefix = root.relativize(kept).toString().replace('\\', '/') + "/";
            for (Cell c : read.get(i).cells()) {
                cells.add(c.onHost(names.get(i), prefix));
            }
            RunInfo info = read.get(i).run();
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("status", "ok");
            host.put("run", info == null ? null : info.id());
            host.put("runStatus", info == null ? null : info.status());
            host.put("directory", prefix.substring(0, prefix.length() - 1));
            host.put("environment", read.get(i).environment());
            hosts.put(names.get(i), host);
        }
        for (NotRun n : notRun) {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("status", Cell.NOT_RUN);
            host.put("reason", n.reason());
            hosts.put(n.host(), host);
        }
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put(ENVIRONMENT_HOSTS, hosts);
        RunResults first = read.get(0);
        RunResults merged = new RunResults(RunResults.SCHEMA, runInfo(out, read, command), environment,
                first.settings(), cells);
        ResultsStore.write(out, merged);
        return merged;
    }

    /** The hosts of a merged run as its environment lists them, ok and not run, in order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> hosts(RunResults merged) {
        Object hosts = merged.environment().get(ENVIRONMENT_HOSTS);
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        if (hosts instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(String.valueOf(k), v instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of()));
        }
        return result;
    }

    private static String hostName(HostRun r, RunResults results) {
        String name = r.host();
        if (name == null) {
            Object recorded = results.environment().get("hostname");
            if (recorded == null) {
                throw new IllegalArgumentException(r.runDirectory() + ": its environment records no hostname: name"
                        + " the host, HOST=" + r.runDirectory());
            }
            name = recorded.toString();
        }
        String problem = hostNameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " (" + r.runDirectory() + ")");
        }
        return name;
    }

    /** Why {@code name} cannot name a host's directory in a merged run, or null if it can. */
    public static String hostNameProblem(String name) {
        return HOST_NAME.matcher(name).matches() ? null : "\"" + name + "\" is not a usable host name: letters,"
                + " digits, '.', '_' and '-', starting with a letter or digit";
    }

    /** One schema, one campaign, the same settings: or the difference, named. */
    private static void checkAlike(List<HostRun> runs, List<RunResults> read) {
        RunResults first = read.get(0);
        Path firstDir = runs.get(0).runDirectory();
        for (int i = 1; i < read.size(); i++) {
            RunResults other = read.get(i);
            Path dir = runs.get(i).runDirectory();
            if (!Objects.equals(first.schema(), other.schema())) {
                throw new IllegalArgumentException("runs of different results schemas: " + firstDir + " is "
                        + first.schema() + ", " + dir + " is " + other.schema()
                        + " (written by different allocbench versions): merge runs of one version");
            }
            String a = campaign(first);
            String b = campaign(other);
            if (!Objects.equals(a, b)) {
                throw new IllegalArgumentException("runs of different campaigns: " + firstDir + " ran " + a + ", "
                        + dir + " ran " + b + ": a fleet run compares hosts on one campaign");
            }
            String differences = differences(first.settings(), other.settings());
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("runs of campaign " + a + " with different settings (" + differences
                        + "): " + firstDir + " and " + dir + " did not measure alike");
            }
        }
    }

    private static String campaign(RunResults r) {
        return r.run() == null ? null : r.run().campaign();
    }

    /** "ops 20000 vs 5000, forks 3 vs 1": the settings' fields that differ. */
    private static String differences(Object a, Object b) {
        JsonNode x = ResultsStore.json().valueToTree(a);
        JsonNode y = ResultsStore.json().valueToTree(b);
        List<String> diffs = new ArrayList<>();
        Iterator<String> fields = x == null ? java.util.Collections.emptyIterator() : x.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!Objects.equals(x.get(f), y == null ? null : y.get(f))) {
                diffs.add(f + " " + brief(x.get(f)) + " vs " + brief(y == null ? null : y.get(f)));
            }
        }
        if (diffs.isEmpty() && !Objects.equals(x, y)) {
            diffs.add("settings present in one run only");
        }
        return String.join(", ", diffs);
    }

    private static String brief(JsonNode n) {
        String s = n == null ? "absent" : n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static void checkNames(List<HostRun> runs, List<String> names, List<NotRun> notRun) {
        Map<String, Path> seen = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Path before = seen.put(names.get(i), runs.get(i).runDirectory());
            if (before != null) {
                throw new IllegalArgumentException("two runs of host " + names.get(i) + " (" + before + ", "
                        + runs.get(i).runDirectory() + "): name them, e.g. " + names.get(i) + "-a=" + before + " "
                        + names.get(i) + "-b=" + runs.get(i).runDirectory());
            }
        }
        for (NotRun n : notRun) {
            if (seen.containsKey(n.host())) {
                throw new IllegalArgumentException("host " + n.host() + " both ran and did not run");
            }
        }
    }

    private static void checkOut(Path out, List<HostRun> runs) {
        Path root = out.toAbsolutePath().normalize();
        for (HostRun r : runs) {
            Path run = runDirectoryOf(r.runDirectory());
            if (root.startsWith(run)) { // copying the run into itself would never end
                throw new IllegalArgumentException(out + " is inside the run " + r.runDirectory()
                        + ": merge into a directory outside the runs");
            }
        }
        // the fleet merges the runs it fetched into place (OUT/hosts/HOST/RUN_ID) beside Ansible's files: those
        // may be there, for those runs only
        boolean fetchedInPlace = runs.stream().allMatch(r -> runDirectoryOf(r.runDirectory()).getParent() != null
                && root.resolve(HOSTS_DIR).equals(runDirectoryOf(r.runDirectory()).getParent().getParent()));
        List<String> fleetOwn = fetchedInPlace ? List.of(HOSTS_DIR, "ansible") : List.of();
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException(out + " exists and is not a directory");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.anyMatch(p -> !fleetOwn.contains(p.getFileName().toString()))) {
                    throw new IllegalArgumentException(out + " is not empty: merge into a new directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + out + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The host's run directory inside the merged run: {@code hostDir/RUN_ID}, copied there unless it is there
     * already (the fleet fetches into place).
     */
    private static Path keep(Path runDirectory, Path hostDir, List<Path> made) {
        Path source = runDirectoryOf(runDirectory);
        Path target = hostDir.toAbsolutePath().normalize().resolve(source.getFileName());
        if (source.equals(target)) {
            return target;
        }
        Path missing = null;
        for (Path p = target; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        if (missing != null) {
            made.add(missing);
        }
        try {
            copyTree(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The run directory a run's path names: itself, or the directory of a results.json; absolute. */
    private static Path runDirectoryOf(Path runDirectory) {
        Path source = runDirectory.toAbsolutePath().normalize();
        return Files.isDirectory(source) ? source : source.getParent(); // a results.json was named
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static RunInfo runInfo(Path out, List<RunResults> read, String command) {
        String started = null;
        String finished = null;
        for (RunResults r : read) {
            RunInfo i = r.run();
            if (i != null && i.started() != null && (started == null || i.started().compareTo(started) < 0)) {
                started = i.started();
            }
            if (i != null && i.finished() != null && (finished == null || i.finished().compareTo(finished) > 0)) {
                finished = i.finished();
            }
        }
        RunInfo first = read.get(0).run();
        boolean oneJar = read.stream().map(r -> r.run() == null ? null : r.run().jarSha256()).distinct().count() == 1;
        return new RunInfo(out.toAbsolutePath().normalize().getFileName().toString(), campaign(read.get(0)),
                RunInfo.COMPLETE, started, finished, command, oneJar && first != null ? first.jar() : null,
                oneJar && first != null ? first.jarSha256() : null, oneJar && first != null ? first.gitCommit() : null,
                first == null ? null : first.version());
    }
}
