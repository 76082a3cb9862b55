package org.allocbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merging hosts' runs: the host becomes a dimension of every cell, the hosts' environments and directories are
 * kept, a host that did not run is recorded with its reason; runs that did not measure alike are refused with
 * the difference named, and nothing is written then.
 */
class FleetMergeTest {

    private static final Map<String, Double> TIMES = Map.of("aset-native", 10.0, "glibc", 20.0);

    @Test
    void theHostIsADimensionOfEveryCellAndTheHostsRunsAreKept(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp.resolve("in"), "run-a", "vm", TIMES);
        Path b = FleetRuns.write(tmp.resolve("in2"), "run-b", "db1", Map.of("aset-native", 5.0, "glibc", 4.0));
        Path out = tmp.resolve("fleet");
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun("alpha", a),
                new FleetMerge.HostRun(null, b)), List.of(new FleetMerge.NotRun("gamma", "unreachable: refused")),
                out, "test");

        assertEquals(RunResults.SCHEMA, merged.schema());
        assertEquals(List.of("alpha", "db1"), merged.hosts(), "named, else the hostname the run recorded");
        assertEquals(4, merged.cells().size());
        Cell glibcOnDb1 = merged.onHost("db1").cell("glibc", "small-churn", Cell.REPLAY);
        assertEquals(4.0, glibcOnDb1.median());
        assertNull(glibcOnDb1.host(), "a host's view reads as a run of one host");
        Cell kept = merged.cells().stream().filter(c -> "alpha".equals(c.host())).findFirst().orElseThrow();
        assertEquals(List.of("hosts/alpha/run-a/raw.json"), kept.files(), "files resolve in the merged run");
        assertTrue(Files.isRegularFile(out.resolve("hosts/alpha/run-a/raw.json")));
        assertTrue(Files.isRegularFile(out.resolve("hosts/db1/run-b/results.json")));
        assertEquals("gate", merged.run().campaign());
        assertEquals("fleet", merged.run().id());

        Map<String, Map<String, Object>> hosts = FleetMerge.hosts(ResultsStore.read(out));
        assertEquals(List.of("alpha", "db1", "gamma"), List.copyOf(hosts.keySet()));
        assertEquals("ok", hosts.get("alpha").get("status"));
        assertEquals("run-a", hosts.get("alpha").get("run"));
        assertEquals("vm", ((Map<?, ?>) hosts.get("alpha").get("environment")).get("hostname"));
        assertEquals(Cell.NOT_RUN, hosts.get("gamma").get("status"));
        assertEquals("unreachable: refused", hosts.get("gamma").get("reason"));

        RunResults reread = ResultsStore.read(out);
        assertEquals(merged.cells(), reread.cells(), "the host survives results.json");
        assertFalse(Files.readString(a.resolve("results.json")).contains("\"host\""),
                "a run of one host writes no host");
    }

    @Test
    void runsOfDifferentCampaignsAreRefused(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path b = FleetRuns.write(tmp, "b", "h2", "quick", RunResults.SCHEMA, FleetRuns.SETTINGS, "small-churn", TIMES);
        refused(tmp, "runs of different campaigns: " + a + " ran gate, " + b + " ran quick", a, b);
    }

    @Test
    void runsOfDifferentSchemasAreRefused(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path b = FleetRuns.write(tmp, "b", "h2", "gate", "allocbench-results/1.2", FleetRuns.SETTINGS, "small-churn",
                TIMES);
        refused(tmp, "runs of different results schemas: " + a + " is " + RunResults.SCHEMA + ", " + b
                + " is allocbench-results/1.2", a, b);
    }

    @Test
    void runsWithDifferentSettingsAreRefusedNamingTheDifference(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path b = FleetRuns.write(tmp, "b", "h2", "gate", RunResults.SCHEMA,
                new Settings(5_000, 42, 2, 3, 1, 1, "interleaved-rounds"), "small-churn", TIMES);
        refused(tmp, "runs of campaign gate with different settings (ops 20000 vs 5000, forks 3 vs 1)", a, b);
    }

    @Test
    void twoRunsOfOneHostMustBeNamed(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "vm", TIMES);
        Path b = FleetRuns.write(tmp, "b", "vm", TIMES);
        refused(tmp, "two runs of host vm (" + a + ", " + b + "): name them", a, b);
    }

    @Test
    void aMergedRunIsNotMergedAgain(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path b = FleetRuns.write(tmp, "b", "h2", TIMES);
        Path fleet = tmp.resolve("fleet");
        FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a), new FleetMerge.HostRun(null, b)), List.of(), fleet,
                "test");
        refused(tmp, fleet + " is a merged run already (hosts h1, h2)", fleet, a);
    }

    @Test
    void theOutputMustBeNewOrEmpty(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path out = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        var e = assertThrows(IllegalArgumentException.class,
                () -> FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a)), List.of(), out, "test"));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertEquals(List.of(out.resolve("notes.txt")), Files.list(out).toList(), "nothing written");
    }

    @Test
    void aRelativeOutputWorks(@TempDir Path tmp) throws Exception {
        // the fleet's default directory (bench-results/fleet/...) is relative, and so is a user's -o
        Path a = FleetRuns.write(tmp.resolve("in"), "run-a", "h1", TIMES);
        Path out = Path.of("").toAbsolutePath().relativize(tmp.resolve("fleet"));
        assertFalse(out.isAbsolute());
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a)), List.of(), out, "test");
        assertEquals(List.of("hosts/h1/run-a/raw.json"), merged.cells().get(0).files());
        assertEquals("hosts/h1/run-a", FleetMerge.hosts(merged).get("h1").get("directory"));
        assertTrue(Files.isRegularFile(tmp.resolve("fleet/hosts/h1/run-a/raw.json")));
    }

    @Test
    void anOutputInsideARunIsRefused(@TempDir Path tmp) throws Exception {
        // copying the run into itself would never end (it filled the disk with hosts/h1/a/merged/hosts/h1/a/...)
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path out = a.resolve("merged");
        var e = assertThrows(IllegalArgumentException.class,
                () -> FleetMerge.merge(List.of(new FleetMerge.HostRun(null, a)), List.of(), out, "test"));
        assertEquals(out + " is inside the run " + a + ": merge into a directory outside the runs", e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aCopyThatFailsLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path b = FleetRuns.write(tmp, "b", "h2", TIMES);
        Files.createSymbolicLink(b.resolve("dangling"), tmp.resolve("no-such-file")); // the copy fails on it
        Path out = tmp.resolve("new/fleet");
        assertThrows(java.io.UncheckedIOException.class, () -> FleetMerge.merge(List.of(new FleetMerge.HostRun(null,
                a), new FleetMerge.HostRun(null, b)), List.of(), out, "test"));
        assertFalse(Files.exists(tmp.resolve("new")), "the directories the merge made are removed");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(java.io.UncheckedIOException.class, () -> FleetMerge.merge(List.of(new FleetMerge.HostRun(null,
                a), new FleetMerge.HostRun(null, b)), List.of(), empty, "test"));
        assertEquals(List.of(), Files.list(empty).toList(), "an empty output directory is left empty");
    }

    @Test
    void onlyTheFleetsOwnRunsMayBeInTheOutputAlready(@TempDir Path tmp) throws Exception {
        Path a = FleetRuns.write(tmp, "a", "h1", TIMES);
        Path used = Files.createDirectories(tmp.resolve("used/hosts/h9"));
        var e = assertThrows(IllegalArgumentException.class, () -> FleetMerge.merge(
                List.of(new FleetMerge.HostRun(null, a)), List.of(), used.getParent().getParent(), "test"));
        assertTrue(e.getMessage().endsWith("is not empty: merge into a new directory"), e.getMessage());

        // the fleet fetches each host's run into OUT/hosts/HOST/ beside Ansible's files, and merges in place
        Path fleet = tmp.resolve("fleet");
        Files.createDirectories(fleet.resolve("ansible"));
        Path fetched = FleetRuns.write(fleet.resolve("hosts/h1"), "run-1", "h1", TIMES);
        RunResults merged = FleetMerge.merge(List.of(new FleetMerge.HostRun("h1", fetched)), List.of(), fleet,
                "test");
        assertEquals(List.of("hosts/h1/run-1/raw.json"), merged.cells().get(0).files());
    }

    private static void refused(Path tmp, String expected, Path... runs) {
        Path out = tmp.resolve("merged-" + runs.length + "-" + System.nanoTime());
        var e = assertThrows(IllegalArgumentException.class, () -> FleetMerge.merge(
                java.util.Arrays.stream(runs).map(r -> new FleetMerge.HostRun(null, r)).toList(), List.of(), out,
                "test"));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(Files.exists(out), "nothing is written when runs cannot be merged");
    }
}
