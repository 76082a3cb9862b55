package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.allocbench.fleet.AnsibleFleet;
import org.allocbench.fleet.FleetMerge;
import org.allocbench.limit.CgroupUnavailableException;
import org.allocbench.limit.MemoryCgroup;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand given bad input: a usage error exits 2, a failure 1, and
 * either way the user sees a message and never a stack trace or a Java class
 * name, and nothing is left behind (no output directory for rejected input,
 * no allocbench-* temporary files, no cgroup). Each case is rejected before
 * any work starts, so the table runs in seconds.
 */
class BadInputTableTest {

    private static final int USAGE = 2;
    private static final int FAILURE = 1;
    private static final String HUGE_OPS = "2000000000";

    @TempDir
    static Path dir;

    /** A regular file: any path under it fails with "Not a directory", for root too (chmod would not stop root). */
    private static Path file;
    private static Path emptyDir;
    private static Path malformedJson;
    private static Path malformedTrace;
    private static Path validRun;
    private static Path badCampaign;
    private static Path hugeCampaign;
    /** A run merged from one host's run (allocbench merge). */
    private static Path fleetRun;
    private static Path emptyInventory;
    private static Path brokenInventory;
    private static Path oneHostInventory;
    /** Fixture name -> results.json with one defect. */
    private static final Map<String, Path> broken = new LinkedHashMap<>();
    /** allocbench-* entries of the temporary directory that appeared during a case, and the case. */
    private static final Map<Path, String> appearedInTmp = new LinkedHashMap<>();

    @BeforeAll
    static void fixtures() throws IOException {
        file = Files.writeString(dir.resolve("a-file"), "not a directory\n");
        emptyDir = Files.createDirectory(dir.resolve("empty"));
        malformedJson = Files.writeString(dir.resolve("malformed.json"), "{\"schema\": \"allocbench-results/1\", \"cells\": [ {");
        malformedTrace = Files.writeString(dir.resolve("bad.trace"), "trace 1\nslots 2\nx 0 16\n");
        validRun = Files.createDirectory(dir.resolve("valid-run"));
        RunResults results = RunResults.start(new RunInfo("r", "quick", RunInfo.COMPLETE, "2026-01-01T00:00:00Z",
                "2026-01-01T00:01:00Z", "allocbench run", null, null, null, null), Map.of(),
                new Settings(1000, 42, 1, 3, 1, 1, "interleaved")).withCell(new Cell("aset-native", "small-churn",
                Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null, List.of(10.0, 11.0, 12.0), List.of(0, 0, 0), 11.0, 10.0,
                12.0, Map.of("totalBytes", 8192L), List.of()));
        ResultsStore.write(validRun, results);
        String json = Files.readString(validRun.resolve(ResultsStore.RESULTS_FILE));
        brokenRun("null-document", "null");
        brokenRun("null-allocator", replaceOnce(json, "\"allocator\" : \"aset-native\"", "\"allocator\" : null"));
        brokenRun("null-status", replaceOnce(json, "\"status\" : \"ok\"", "\"status\" : null"));
        brokenRun("null-sample", replaceOnce(json, "11.0,", "null,"));
        brokenRun("null-cell", json.replaceFirst("(?s)\"cells\" : \\[.*\\]\\s*}\\s*$", "\"cells\" : [ null ] }"));
        brokenRun("samples-not-a-list", json.replaceFirst("(?s)\"samples\" : \\[[^]]*\\]", "\"samples\" : \"many\""));
        brokenRun("malformed", "{\"schema\": \"allocbench-results/1\", \"cells\": [ {");
        badCampaign = Files.writeString(dir.resolve("bad.yaml"), "allocators: [aset-native]\nopz: 10\n");
        hugeCampaign = Files.writeString(dir.resolve("huge.yaml"), "ops: " + HUGE_OPS + "\n");
        fleetRun = dir.resolve("fleet-run");
        FleetMerge.merge(List.of(new FleetMerge.HostRun("alpha", validRun)), List.of(), fleetRun, "test");
        emptyInventory = Files.writeString(dir.resolve("empty.ini"), "# no hosts yet\n");
        brokenInventory = Files.writeString(dir.resolve("broken.ini"), "[local\nalpha ansible_connection=local\n");
        oneHostInventory = Files.writeString(dir.resolve("one.ini"), "alpha ansible_connection=local\n");
    }

    private static void brokenRun(String name, String content) throws IOException {
        Path run = Files.createDirectory(dir.resolve("broken-" + name));
        Files.writeString(run.resolve(ResultsStore.RESULTS_FILE), content);
        broken.put(name, run);
    }

    private static String replaceOnce(String text, String from, String to) {
        assertTrue(text.contains(from), "fixture: " + from + " not in " + text);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    /**
     * One row: what runs, the exit code it must give, paths it must not create, and (null: not checked) words
     * its message on stderr must contain.
     */
    private record Case(String name, int exit, List<String> args, List<Path> mustNotExist, String message) {

        Case(String name, int exit, List<String> args, List<Path> mustNotExist) {
            this(name, exit, args, mustNotExist, null);
        }
    }

    private static Case usage(String name, String... args) {
        return new Case(name, USAGE, List.of(args), List.of());
    }

    private static Case failure(String name, String... args) {
        return new Case(name, FAILURE, List.of(args), List.of());
    }

    /** A usage error whose message on stderr contains {@code message}. */
    private static Case usageSaying(String name, String message, String... args) {
        return new Case(name, USAGE, List.of(args), List.of(), message);
    }

    /** A usage error whose message contains {@code message} and whose output directory must not appear. */
    private static Case usageCreatingSaying(String name, Path out, String message, String... args) {
        return new Case(name, USAGE, List.of(args), List.of(out), message);
    }

    /** A usage error whose output directory (given in args) must not appear. */
    private static Case usageCreating(String name, Path out, String... args) {
        return new Case(name, USAGE, List.of(args), List.of(out));
    }

    private static List<Case> cases() {
        String f = file.toString();
        String under = file.resolve("sub").toString();
        String nowhere = dir.resolve("no-such-thing").toString();
        String emp = emptyDir.toString();
        List<Case> cases = new ArrayList<>();

        cases.add(usage("top: unknown option", "--bogus"));
        cases.add(usage("top: unknown subcommand", "nope"));

        Path runOut = dir.resolve("run-out");
        String ro = runOut.toString();
        cases.add(usageCreating("run: unknown option", runOut, "run", "--out", ro, "--bogus"));
        cases.add(usageCreating("run: --ops 0", runOut, "run", "--out", ro, "--ops", "0"));
        cases.add(usageCreating("run: --ops -5", runOut, "run", "--out", ro, "--ops", "-5"));
        cases.add(usageCreating("run: --ops huge", runOut, "run", "--out", ro, "--ops", HUGE_OPS));
        cases.add(usageCreating("run: --ops not a number", runOut, "run", "--out", ro, "--ops", "lots"));
        cases.add(usageCreating("run: unknown campaign", runOut, "run", "--out", ro, "--campaign", "nope"));
        cases.add(usageCreating("run: campaign is a directory", runOut, "run", "--out", ro, "--campaign", emp + "/"));
        cases.add(usageCreating("run: campaign with an unknown key", runOut, "run", "--out", ro, "--campaign",
                badCampaign.toString()));
        cases.add(usageCreating("run: campaign with huge ops", runOut, "run", "--out", ro, "--campaign",
                hugeCampaign.toString()));
        cases.add(usageCreating("run: unknown allocator", runOut, "run", "--out", ro, "--allocators", "nope"));
        cases.add(usageCreating("run: unknown trace", runOut, "run", "--out", ro, "--traces", "nope"));
        cases.add(usageCreating("run: --forks 0", runOut, "run", "--out", ro, "--forks", "0"));
        cases.add(usageCreating("run: --rounds 0", runOut, "run", "--out", ro, "--rounds", "0"));
        cases.add(usage("run: --out under a file", "run", "--out", under, "--ops", "10"));

        cases.add(usage("env: unknown option", "env", "--bogus"));
        cases.add(usage("env: stray argument", "env", "extra"));

        cases.add(usage("stats: allocator without statistics", "stats", "--allocator", "glibc", "--traces", "small-churn",
                "--ops", "10"));
        cases.add(usage("stats: unknown allocator", "stats", "--allocator", "nope", "--traces", "small-churn"));
        cases.add(usage("stats: unknown trace", "stats", "--allocator", "aset-native", "--traces", "nope"));
        cases.add(usage("stats: --ops 0", "stats", "--allocator", "aset-native", "--traces", "small-churn", "--ops", "0"));
        cases.add(usage("stats: --ops huge", "stats", "--allocator", "aset-native", "--traces", "small-churn", "--ops",
                HUGE_OPS));
        cases.add(usage("stats: no trace", "stats", "--allocator", "aset-native"));

        cases.add(usage("export: missing run", "export", nowhere, "--format", "bencher"));
        cases.add(usage("export: directory without results", "export", emp, "--format", "bencher"));
        cases.add(usage("export: malformed results", "export", malformedJson.toString(), "--format", "bencher"));
        cases.add(usage("export: null results", "export", broken.get("null-document").toString(), "--format",
                "bencher"));
        cases.add(usage("export: unknown format", "export", validRun.toString(), "--format", "nope"));
        cases.add(usage("export: missing --format", "export", validRun.toString()));
        cases.add(usage("export: -o under a file", "export", validRun.toString(), "--format", "bencher", "-o",
                under + "/x.json"));

        Path fleetOut = dir.resolve("fleet-out");
        String fo = fleetOut.toString();
        cases.add(usage("fleet: missing --inventory", "fleet", "--campaign", "gate"));
        cases.add(usageCreating("fleet: missing inventory", fleetOut, "fleet", "--inventory", nowhere, "--out", fo));
        cases.add(usageCreating("fleet: inventory is a directory", fleetOut, "fleet", "--inventory", emp, "--out", fo));
        cases.add(usageCreating("fleet: --parallel 0", fleetOut, "fleet", "--inventory", f, "--parallel", "0", "--out",
                fo));
        cases.add(usageCreating("fleet: --forks-per-host 0", fleetOut, "fleet", "--inventory", f, "--forks-per-host",
                "0", "--out", fo));
        cases.add(usageCreating("fleet: unknown campaign", fleetOut, "fleet", "--inventory", f, "--campaign", "nope",
                "--out", fo));
        cases.add(usageCreating("fleet: missing --jar", fleetOut, "fleet", "--inventory", f, "--jar", nowhere, "--out",
                fo));
        cases.add(usage("fleet: --out not empty", "fleet", "--inventory", f, "--out", dir.toString()));
        cases.add(usageCreating("fleet: --jar not a jar", fleetOut, "fleet", "--inventory", f, "--jar", f, "--out",
                fo));
        cases.add(usageCreating("fleet: --run-arg run does not know", fleetOut, "fleet", "--inventory", f,
                "--run-arg=--bogus", "--out", fo));
        if (AnsibleFleet.missing() == null) { // Ansible reads the inventory: without it, fleet says it is missing
            cases.add(usageCreating("fleet: inventory with no host", fleetOut, "fleet", "--inventory",
                    emptyInventory.toString(), "--out", fo));
            cases.add(usageCreating("fleet: inventory Ansible cannot parse", fleetOut, "fleet", "--inventory",
                    brokenInventory.toString(), "--out", fo));
            cases.add(usageCreating("fleet: --limit matching no host", fleetOut, "fleet", "--inventory",
                    oneHostInventory.toString(), "--limit", "zzz", "--out", fo));
        }

        Path mergeOut = dir.resolve("merge-out");
        String mo = mergeOut.toString();
        cases.add(usage("merge: missing -o", "merge", validRun.toString()));
        cases.add(usageCreating("merge: missing run", mergeOut, "merge", nowhere, "-o", mo));
        cases.add(usageCreating("merge: malformed results", mergeOut, "merge", malformedJson.toString(), "-o", mo));
        cases.add(usageCreating("merge: runs that recorded no hostname", mergeOut, "merge", validRun.toString(),
                validRun.toString(), "-o", mo));
        cases.add(usageCreating("merge: a bad host name", mergeOut, "merge", "../x=" + validRun, "-o", mo));
        cases.add(usageCreating("merge: empty host name", mergeOut, "merge", "=" + validRun, "-o", mo));
        cases.add(usageCreating("merge: no run after HOST=", mergeOut, "merge", "alpha=", "-o", mo));
        cases.add(usage("merge: -o under a file", "merge", "alpha=" + validRun, "-o", under));
        cases.add(usageCreating("merge: -o inside the run", validRun.resolve("merged"), "merge", "alpha=" + validRun,
                "-o", validRun.resolve("merged").toString()));
        cases.add(usageCreating("merge: a merged run", mergeOut, "merge", fleetRun.toString(), "-o", mo));

        cases.add(usage("bench: unknown JMH option", "bench", "--bogus"));
        cases.add(usage("bench: bad JMH number", "bench", "-i", "abc"));

        Path latOut = dir.resolve("lat-out");
        String lo = latOut.toString();
        cases.add(usageCreating("latency: --ops 0", latOut, "latency", "--out", lo, "--ops", "0"));
        cases.add(usageCreating("latency: --ops huge", latOut, "latency", "--out", lo, "--ops", HUGE_OPS));
        cases.add(usageCreating("latency: unknown mode", latOut, "latency", "--out", lo, "--ops", "10", "--mode", "nope"));
        cases.add(usageCreating("latency: unknown pattern", latOut, "latency", "--out", lo, "--traces", "nope"));
        cases.add(usageCreating("latency: unknown allocator", latOut, "latency", "--out", lo, "--ops", "10",
                "--allocators", "nope"));
        cases.add(usageCreating("latency: --iterations 0", latOut, "latency", "--out", lo, "--iterations", "0"));
        cases.add(usage("latency: --out under a file", "latency", "--out", under, "--ops", "10"));

        Path genOut = dir.resolve("gen-out");
        cases.add(usage("trace gen: unknown pattern", "trace", "gen", "nope"));
        cases.add(usage("trace gen: no pattern", "trace", "gen"));
        cases.add(usage("trace gen: --ops 0", "trace", "gen", "small-churn", "--ops", "0"));
        cases.add(usage("trace gen: --ops huge", "trace", "gen", "small-churn", "--ops", HUGE_OPS));
        cases.add(usage("trace gen: -o under a file", "trace", "gen", "small-churn", "--ops", "10", "-o",
                under + "/x.trace"));
        cases.add(usage("trace gen: --all without --dir", "trace", "gen", "--all", "--ops", "10"));
        cases.add(usageCreating("trace gen: --all with -o", genOut, "trace", "gen", "--all", "--ops", "10", "--dir",
                genOut.toString(), "-o", genOut.resolve("x").toString()));
        cases.add(usage("trace gen: --dir under a file", "trace", "gen", "--all", "--ops", "10", "--dir", under));
        cases.add(failure("trace check: missing file", "trace", "check", nowhere));
        cases.add(failure("trace check: a directory", "trace", "check", emp));
        cases.add(failure("trace check: malformed", "trace", "check", malformedTrace.toString()));
        cases.add(usage("trace check: no file", "trace", "check"));
        cases.add(failure("trace stats: missing file", "trace", "stats", nowhere));
        cases.add(failure("trace stats: a directory", "trace", "stats", emp));
        cases.add(failure("trace stats: malformed", "trace", "stats", malformedTrace.toString()));
        cases.add(usage("trace stats: two files", "trace", "stats", f, f));
        cases.add(usage("trace: unknown tool", "trace", "nope"));

        Path recorded = dir.resolve("recorded.trace");
        String rec = recorded.toString();
        cases.add(new Case("record: missing -o", USAGE, List.of("record", "/bin/true"), List.of()));
        cases.add(new Case("record: no command", USAGE, List.of("record", "-o", rec), List.of(recorded)));
        cases.add(new Case("record: unknown option", USAGE, List.of("record", "--bogus", "-o", rec, "/bin/true"),
                List.of(recorded)));
        cases.add(new Case("record: command not found", USAGE, List.of("record", "-o", rec,
                "no-such-command-anywhere"), List.of(recorded)));
        cases.add(new Case("record: command not executable", USAGE, List.of("record", "-o", rec, f),
                List.of(recorded)));
        cases.add(usage("record: -o under a file", "record", "-o", under + "/x.trace", "/bin/true"));
        cases.add(new Case("record: --raw-dir missing", USAGE, List.of("record", "-o", rec, "--raw-dir", nowhere,
                "/bin/true"), List.of(recorded, Path.of(nowhere))));
        cases.add(new Case("record: -o in a missing directory", USAGE, List.of("record", "-o",
                nowhere + "/x.trace", "/bin/true"), List.of(Path.of(nowhere))));

        cases.add(new Case("record-pg: missing -o", USAGE, List.of("record-pg", "--pgbench", "-S"), List.of()));
        cases.add(new Case("record-pg: no workload", USAGE, List.of("record-pg", "-o", rec), List.of(recorded)));
        cases.add(new Case("record-pg: both workloads", USAGE, List.of("record-pg", "-o", rec, "--sql", f,
                "--pgbench", "-S"), List.of(recorded)));
        cases.add(new Case("record-pg: missing SQL file", USAGE, List.of("record-pg", "-o", rec, "--sql", nowhere),
                List.of(recorded)));
        cases.add(new Case("record-pg: missing setup file", USAGE, List.of("record-pg", "-o", rec, "--sql", f,
                "--setup", nowhere), List.of(recorded)));
        cases.add(new Case("record-pg: -o in a missing directory", USAGE, List.of("record-pg", "-o",
                nowhere + "/x.trace", "--pgbench", "-S"), List.of(Path.of(nowhere))));

        cases.add(usage("shm create: unknown kind", "shm", "create", "--kind", "bogus", "--size", "1M"));
        cases.add(usage("shm create: bad size", "shm", "create", "--kind", "posix", "--name", "/allocbench.badinput",
                "--size", "1X"));
        cases.add(usage("shm create: negative size", "shm", "create", "--kind", "posix", "--name",
                "/allocbench.badinput", "--size", "-1"));
        cases.add(usage("shm create: unknown huge mode", "shm", "create", "--kind", "posix", "--name",
                "/allocbench.badinput", "--size", "1M", "--huge", "bogus"));
        cases.add(usage("shm create: missing --size", "shm", "create", "--kind", "posix"));
        cases.add(usage("shm destroy: posix without --name", "shm", "destroy", "--kind", "posix"));
        cases.add(usage("shm info: bad key", "shm", "info", "--kind", "sysv", "--key", "zz"));
        cases.add(usage("shm allocations: unknown kind", "shm", "allocations", "--kind", "bogus", "--name", "/x"));
        cases.add(usage("shm cleanup: unknown option", "shm", "cleanup", "--bogus"));
        cases.add(usage("shm pools: stray argument", "shm", "pools", "extra"));
        cases.add(usage("shm: unknown tool", "shm", "list"));

        cases.add(usage("hugepages: bad size", "hugepages", "--size", "1X"));
        cases.add(usage("hugepages: unknown mapping", "hugepages", "--mappings", "nope"));
        cases.add(usage("hugepages: file kind", "hugepages", "--kinds", "file"));
        cases.add(usage("hugepages: --forks 0", "hugepages", "--forks", "0"));

        cases.add(usage("memory: --ops 0", "memory", "--ops", "0"));
        cases.add(usage("memory: --ops huge", "memory", "--ops", HUGE_OPS));
        cases.add(usage("memory: unknown touch", "memory", "--touch", "nope"));
        cases.add(usage("memory: unknown allocator", "memory", "--allocators", "nope"));
        cases.add(usage("memory: --timeout 0", "memory", "--timeout", "0"));

        cases.add(usage("verify-pg: --ops 0", "verify-pg", "--ops", "0"));
        cases.add(usage("verify-pg: --ops huge", "verify-pg", "--ops", HUGE_OPS));
        cases.add(usage("verify-pg: unknown pattern", "verify-pg", "--ops", "10", "--traces", "nope"));
        cases.add(usage("verify-pg: unknown --ours", "verify-pg", "--ops", "10", "--ours", "nope"));
        cases.add(usage("verify-pg: --iterations 0", "verify-pg", "--iterations", "0"));
        cases.add(usageSaying("verify-pg: --context Bump", "allocbench verify-pg: --context must be AllocSet,"
                + " Generation or Slab, not \"Bump\"", "verify-pg", "--context", "Bump"));
        cases.add(usageSaying("verify-pg: --every -1", "allocbench verify-pg: --every must be 0 or more, not -1",
                "verify-pg", "--context", "Generation", "--every", "-1"));

        Path fitOut = dir.resolve("fit-out");
        String fitDir = fitOut.toString();
        cases.add(usageCreatingSaying("fit: --iterations 0", fitOut, "--iterations must be at least 1, not 0", "fit",
                "--out", fitDir, "--iterations", "0"));
        cases.add(usageCreatingSaying("fit: unknown trace", fitOut, "nope", "fit", "--out", fitDir, "--traces",
                "nope"));
        cases.add(usageCreatingSaying("fit: --forks 0", fitOut, "--forks must be at least 1, not 0", "fit", "--out",
                fitDir, "--forks", "0"));
        cases.add(usageCreating("fit: --ops 0", fitOut, "fit", "--out", fitDir, "--ops", "0"));
        cases.add(usageCreating("fit: unknown option", fitOut, "fit", "--out", fitDir, "--bogus"));
        cases.add(usageSaying("fit: --out under a file", "--out: ", "fit", "--out", under, "--ops", "10",
                "--traces", "small-churn"));

        Path limOut = dir.resolve("limit-out");
        String lim = limOut.toString();
        cases.add(usageCreating("limit: --memory 0", limOut, "limit", "--out", lim, "--memory", "0"));
        cases.add(usageCreating("limit: --memory below 1 MiB", limOut, "limit", "--out", lim, "--memory", "512k"));
        cases.add(usageCreating("limit: --memory 1X", limOut, "limit", "--out", lim, "--memory", "1X"));
        cases.add(usageCreating("limit: --memory -1", limOut, "limit", "--out", lim, "--memory", "-1"));
        cases.add(usageCreating("limit: missing --memory", limOut, "limit", "--out", lim));
        cases.add(usageCreating("limit: --ops 0", limOut, "limit", "--out", lim, "--memory", "64M", "--ops", "0"));
        cases.add(usageCreating("limit: --ops -5", limOut, "limit", "--out", lim, "--memory", "64M", "--ops", "-5"));
        cases.add(usageCreating("limit: --ops huge", limOut, "limit", "--out", lim, "--memory", "64M", "--ops",
                HUGE_OPS));
        cases.add(usageCreating("limit: Java allocator", limOut, "limit", "--out", lim, "--memory", "64M",
                "--allocators", "aset-java"));
        cases.add(usageCreating("limit: unknown trace", limOut, "limit", "--out", lim, "--memory", "64M", "--traces",
                "nope"));
        cases.add(usage("limit: --out under a file", "limit", "--out", under, "--memory", "64M"));
        cases.add(usageCreating("limit: --journal under a file", limOut, "limit", "--out", lim, "--memory", "64M",
                "--journal", under + "/journal.jsonl"));
        cases.add(usageCreating("limit: --journal is a directory", limOut, "limit", "--out", lim, "--memory", "64M",
                "--journal", emp));

        cases.add(usage("report: missing directory", "report", nowhere));
        cases.add(usage("report: directory without results", "report", emp));
        cases.add(usage("report: malformed results", "report", broken.get("malformed").toString()));
        cases.add(usage("report: null results", "report", broken.get("null-document").toString()));
        cases.add(usage("report: null cell", "report", broken.get("null-cell").toString()));

        for (Map.Entry<String, Path> b : broken.entrySet()) {
            cases.add(usage("compare: " + b.getKey(), "compare", b.getValue().toString(), validRun.toString()));
        }
        cases.add(usage("compare: missing run", "compare", validRun.toString(), nowhere));
        cases.add(usage("compare: directory without results", "compare", emp, validRun.toString()));
        cases.add(usage("compare: a file that is not results", "compare", f, validRun.toString()));
        cases.add(usage("compare: one run", "compare", validRun.toString()));
        cases.add(usage("compare: a fleet run and a run of one host", "compare", fleetRun.toString(),
                validRun.toString()));
        cases.add(usage("compare: --confidence 2", "compare", validRun.toString(), validRun.toString(),
                "--confidence", "2"));
        cases.add(usage("compare: --resamples 0", "compare", validRun.toString(), validRun.toString(),
                "--resamples", "0"));
        cases.add(usage("compare: --markdown under a file", "compare", validRun.toString(), validRun.toString(),
                "--markdown", under + "/cmp.md"));

        Path gateWork = dir.resolve("gate-work");
        String gw = gateWork.toString();
        cases.add(usage("gate: missing --baseline", "gate"));
        cases.add(usageCreating("gate: baseline does not exist", gateWork, "gate", "--work", gw, "--baseline",
                nowhere));
        cases.add(usageCreating("gate: bad --max-regression", gateWork, "gate", "--work", gw, "--baseline",
                validRun.toString(), "--max-regression", "abc"));
        cases.add(usageCreating("gate: --forks 1", gateWork, "gate", "--work", gw, "--baseline", validRun.toString(),
                "--forks", "1"));
        cases.add(usageCreating("gate: null results baseline", gateWork, "gate", "--work", gw, "--baseline",
                broken.get("null-document").toString()));
        cases.add(usageCreating("gate: candidate jar missing", gateWork, "gate", "--work", gw, "--baseline",
                validRun.toString(), "--candidate", nowhere + ".jar"));
        cases.add(usage("gate: --work under a file", "gate", "--work", under, "--baseline", validRun.toString()));

        cases.add(usage("cleanup: unknown option", "cleanup", "--bogus"));
        cases.add(usage("cleanup: stray argument", "cleanup", "extra"));
        return cases;
    }

    @Test
    void everySubcommandHasCases() {
        Set<String> covered = new java.util.TreeSet<>();
        cases().forEach(c -> covered.add(c.args().get(0)));
        Set<String> all = new java.util.TreeSet<>(Main.commandLine().getSubcommands().keySet());
        all.remove("help");
        all.removeAll(covered);
        assertEquals(Set.of(), all, "subcommands without a bad-input case");
    }

    @TestFactory
    Stream<DynamicTest> everyCommandRejectsBadInputCleanly() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + String.join(" ", c.args()),
                () -> check(c)));
    }

    private static void check(Case c) throws IOException {
        Set<Path> before = tmpEntries();
        CliRun r = CliRun.run(c.args().toArray(String[]::new));
        for (Path p : tmpEntries()) {
            if (!before.contains(p)) {
                appearedInTmp.put(p, c.name());
            }
        }
        String all = r.out() + r.err();
        assertEquals(c.exit(), r.exit(), all);
        assertFalse(r.err().isBlank(), "no message on stderr: " + all);
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.matches("(?s).*(\tat |at org\\.|at java\\.).*"), all);
        assertFalse(all.matches("(?s).*\\bjava\\.[a-z]+\\.[A-Z].*"), "a Java class name: " + all);
        assertTrue(r.err().strip().lines().count() <= 2, "more than a message and a hint: " + r.err());
        if (c.message() != null) {
            assertTrue(r.err().contains(c.message()), "the message does not say \"" + c.message() + "\": " + r.err());
        }
        for (Path p : c.mustNotExist()) {
            assertFalse(Files.exists(p), p + " was created for rejected input: " + all);
        }
    }

    /** A failure after a trial's cgroup was made (the journal's disk is full) removes it and marks the run failed. */
    @Test
    void aJournalThatFailsMidTrialLeavesNoCgroupAndAFailedRun() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full here");
        try (MemoryCgroup probe = MemoryCgroup.create("allocbench-probe-" + ProcessHandle.current().pid(), 1 << 26)) {
            assertTrue(probe.path() != null);
        } catch (CgroupUnavailableException e) {
            assumeTrue(false, "no memory cgroup can be made here: " + e.getMessage());
        }
        Path out = dir.resolve("limit-journal-full");
        CliRun r = CliRun.run("limit", "--memory", "64M", "--ops", "100", "--out", out.toString(), "--journal",
                full.toString());
        assertEquals(FAILURE, r.exit(), r.out() + r.err());
        assertEquals("allocbench limit: error: cannot append to the audit journal /dev/full: No space left on device",
                r.err().strip());
        Path runDir;
        try (Stream<Path> runs = Files.list(out)) {
            runDir = runs.findFirst().orElseThrow();
        }
        assertEquals(RunInfo.FAILED, ResultsStore.read(runDir).run().status());
        assertEquals(List.of(), trialCgroups(), "a trial cgroup was left behind");
        assertEquals(List.of(), ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").contains("allocbench-trial")).toList());
    }

    @AfterAll
    static void nothingLeftInTmp() {
        // checked at the end, not per case: another build on this host may be using allocbench-* files for a
        // moment; what a case leaked is still there now
        Map<Path, String> left = appearedInTmp.entrySet().stream().filter(e -> Files.exists(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), left, "left in " + System.getProperty("java.io.tmpdir"));
    }

    private static Set<Path> tmpEntries() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("allocbench-"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    /** This JVM's trial cgroups (allocbench-trial-PID-N) under its own memory cgroup, v1 or v2. */
    private static List<Path> trialCgroups() throws IOException {
        String prefix = "allocbench-trial-" + ProcessHandle.current().pid() + "-";
        List<Path> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || !(f[1].isEmpty() || List.of(f[1].split(",")).contains("memory"))) {
                continue;
            }
            Path own = Path.of(f[1].isEmpty() ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory", f[2]);
            if (Files.isDirectory(own)) {
                try (Stream<Path> children = Files.list(own)) {
                    children.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(found::add);
                }
            }
        }
        return found;
    }
}
