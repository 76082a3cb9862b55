package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignFileTest {

    private static Campaign yaml(String text) {
        return CampaignFile.parse("c.yaml", text, true, "c");
    }

    private static String error(String text) {
        return assertThrows(CampaignFile.CampaignFileException.class, () -> yaml(text)).getMessage();
    }

    @Test
    void yamlOverridesTheQuickPreset() {
        Campaign c = yaml("""
                name: nightly
                allocators: [aset-native, glibc]
                traces: [small-churn, logrand]
                ops: 50000
                seed: 7
                warmup: 2
                rounds: 9
                forks: 3
                threads: 2
                hugePages: [4k, thp]
                postgres: false
                """);
        assertEquals(new Campaign("nightly", "interleaved", List.of("aset-native", "glibc"),
                List.of("small-churn", "logrand"), 50000, Map.of(), 7, 2, 9, 3, 2, Campaign.Jmh.DEFAULT,
                List.of("4k", "thp"), true, false, true), c);
    }

    @Test
    void emptyKeysKeepThePreset() {
        assertEquals(Campaign.gate().withName("c"), yaml("base: gate\n"));
        assertEquals(Campaign.quick().withName("c"), yaml("floors: true\n"));
    }

    @Test
    void jmhSettingsAndTheFullPreset() {
        Campaign c = CampaignFile.parse("c.json", """
                {"method": "jmh", "allocators": ["aset-native"], "traces": ["small-churn"],
                 "jmh": {"forks": 1, "warmupIterations": 0, "iterations": 2, "time": "200ms"}}
                """, false, "tiny");
        assertEquals("tiny", c.name());
        assertEquals("jmh", c.method());
        assertEquals(new Campaign.Jmh(1, 0, 2, "200ms"), c.jmh());
        assertEquals(100_000, c.ops());
    }

    @Test
    void theResolvedCampaignReadsBackToItself() {
        Campaign q = Campaign.quick();
        String json = org.allocbench.results.ResultsStore.json().valueToTree(q.toFileMap()).toString();
        assertEquals(q, CampaignFile.parse("campaign.json", json, false, "x"));
        Campaign g = Campaign.gate().withForks(2);
        json = org.allocbench.results.ResultsStore.json().valueToTree(g.toFileMap()).toString();
        assertEquals(g, CampaignFile.parse("campaign.json", json, false, "x"));
    }

    @Test
    void errorsNameTheFileAndTheKey() {
        assertEquals("c.yaml: unknown key \"rundz\" (known: name, base, method, allocators, traces, ops, opsPerTrace,"
                + " seed, warmup, rounds, forks, threads, jmh, hugePages, wholeTrace, postgres, floors)",
                error("rundz: 3\n"));
        assertEquals("c.yaml: allocators: unknown allocator \"ptmalloc\"; known: aset-native, aset-pg15, aset-java,"
                + " aset-java-zeroing, aset-java-heap, glibc, jemalloc, mimalloc, mimalloc-heap, tcmalloc, jdk-arena,"
                + " jdk-slicing, netty-pooled",
                error("allocators: [aset-native, ptmalloc]\n"));
        assertEquals("c.yaml: traces: unknown trace \"tiny\": not a built-in", error("traces: [tiny]\n").replaceAll(" \\(.*", ""));
        assertEquals("c.yaml: rounds: expected an integer of at least 1, got 0", error("rounds: 0\n"));
        assertEquals("c.yaml: ops: expected an integer of at least 1, got \"many\"", error("ops: many\n"));
        assertEquals("c.yaml: jmh: unknown key \"fork\" (known: forks, warmupIterations, iterations, time)",
                error("jmh: {fork: 1}\n"));
        assertEquals("c.yaml: jmh: time: expected a duration like 1s or 500ms, got \"soon\"",
                error("jmh: {time: soon}\n"));
        assertEquals("c.yaml: hugePages: unknown mode \"64k\" (known: 4k, thp, 2m, 1g)", error("hugePages: [64k]\n"));
        assertEquals("c.yaml: method: expected interleaved or jmh, got \"fast\"", error("method: fast\n"));
        assertEquals("c.yaml: base: unknown preset \"slow\" (known: quick, gate, full, scale)", error("base: slow\n"));
        assertEquals("c.yaml: postgres: expected true or false, got \"yes please\"", error("postgres: yes please\n"));
        assertEquals("c.yaml: threads: method jmh runs one replay thread per fork; threads > 1 needs method"
                + " interleaved", error("method: jmh\nthreads: 2\n"));
        assertEquals("c.yaml: ops: method jmh replays exactly 100000 ops per trace (ReplayBenchmark.OPS), not 5",
                error("method: jmh\nops: 5\n"));
        assertEquals("c.yaml: expected a mapping of keys (name, base, method, allocators, traces, ops, opsPerTrace,"
                + " seed, warmup, rounds, forks, threads, jmh, hugePages, wholeTrace, postgres, floors)",
                error("- a\n- b\n"));
        assertEquals("c.yaml: empty campaign file", error(""));
    }

    @Test
    void unreadableAndMalformedFiles(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(missing + ": cannot read the campaign file (no such readable file)",
                assertThrows(IllegalArgumentException.class, () -> CampaignFile.read(missing)).getMessage());
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"ops\": ");
        String m = assertThrows(IllegalArgumentException.class, () -> CampaignFile.read(bad)).getMessage();
        assertEquals(bad + ": not valid JSON", m.substring(0, m.indexOf(": Unexpected")));
        Path ok = Files.writeString(dir.resolve("mine.yml"), "traces: small-churn\n");
        Campaign c = CampaignFile.read(ok);
        assertEquals("mine", c.name());
        assertEquals(List.of("small-churn"), c.traces());
    }

    @Test
    void theExampleCampaignFileParses() {
        Path example = Path.of("..", "bench-results", "campaigns", "example.yaml");
        Campaign c = CampaignFile.read(example);
        assertEquals("example", c.name());
    }

    @Test
    void threadsTakeACountAListOrScale() {
        assertEquals(List.of(1, 2, 4), yaml("threads: [4, 1, 2, 2]\n").threadCounts());
        Campaign scaled = yaml("threads: scale\n");
        assertEquals(Campaign.scalingThreadCounts(Runtime.getRuntime().availableProcessors()), scaled.threadCounts());
        assertTrue(scaled.scales());
        assertEquals(List.of(1, 2, 4, 8), Campaign.scalingThreadCounts(2));
        assertEquals(List.of(1, 2, 4), Campaign.scalingThreadCounts(1));
        assertEquals(List.of(3), yaml("threads: 3\n").threadCounts());
        assertEquals("c.yaml: threads: expected a count 1..1024, a list of counts, or \"scale\", got 0",
                error("threads: [1, 0]\n"));
        assertEquals("c.yaml: threads: the list is empty", error("threads: []\n"));
        assertEquals("c.yaml: threads: method jmh runs one replay thread per fork; threads > 1 needs method"
                + " interleaved", error("method: jmh\nthreads: [1, 2]\n"));
        // written back as a list, read back to the same campaign
        assertEquals(List.of(1, 2, 4), yaml("threads: [1, 2, 4]\n").toFileMap().get("threads"));
    }

    @Test
    void theScalePresetMeasuresUpToFourTimesTheCpus() {
        Campaign scale = Campaign.preset("scale");
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(4 * cpus, Integer.highestOneBit(4 * cpus) == 4 * cpus ? scale.threadCounts().getLast()
                : 4 * cpus, "counts " + scale.threadCounts());
        assertEquals(1, scale.threadCounts().getFirst());
        assertTrue(scale.postgres(), "pg15-real at one thread (its cells at more say a backend is one thread)");
    }
}
