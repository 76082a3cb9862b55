package org.allocbench.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trials under real limits: killed and confirmed as OOM from the cgroup's
 * counters, named from the journal, the journal intact, the next trial run,
 * the cgroup gone. Needs a memory cgroup (root here, as on CI); without one
 * the cgroup tests skip with the reason and the RLIMIT_AS fallback is tested.
 */
class LimitRunnerTest {

    private static final long MB = 1L << 20;

    private static String cgroupMissing() {
        try (MemoryCgroup probe = MemoryCgroup.create("allocbench-probe-" + ProcessHandle.current().pid(), 64 * MB)) {
            return null;
        } catch (CgroupUnavailableException e) {
            return e.getMessage();
        }
    }

    @Test
    void aTrialOverItsLimitIsKilledNamedAndTheNextOneRuns(@TempDir Path dir) {
        String missing = cgroupMissing();
        assumeTrue(missing == null, "no memory cgroup can be made here: " + missing);
        AuditJournal journal = new AuditJournal(dir.resolve("journal.jsonl"));
        StringWriter log = new StringWriter();
        LimitRunner runner = new LimitRunner(journal, new PrintWriter(log, true), false);

        TrialOutcome killed = runner.trial("aset-native", "malloc-large", 20_000, 42, 8 * MB);
        assertEquals(TrialOutcome.KILLED, killed.status(), killed.toString());
        assertEquals(9, killed.signal());
        assertTrue(killed.oomKill(), "confirmed from memory.oom_control / memory.events, not the exit status");
        assertTrue(killed.peakBytes() >= 7 * MB && killed.peakBytes() <= 8 * MB, killed.toString());
        String[] lines = log.toString().split("\n");
        assertEquals("trial process (PID " + killed.pid() + ") was terminated by signal 9: Killed", lines[0]);
        assertTrue(lines[1].startsWith("Failed trial was running: {\"trial\":\"trial-"), lines[1]);
        assertTrue(lines[1].contains("\"allocator\":\"aset-native\",\"trace\":\"malloc-large\""), lines[1]);

        TrialOutcome survived = runner.trial("aset-native", "small-churn", 20_000, 42, 64 * MB);
        assertEquals(TrialOutcome.COMPLETED, survived.status(), survived.toString());
        assertEquals(20_000, survived.opsDone());

        List<Map<String, Object>> records = journal.read();
        List<String> events = records.stream().map(r -> r.get("trial") + " " + r.get("event"))
                .filter(e -> !e.endsWith("sample")).toList();
        String first = (String) records.get(0).get("trial");
        String second = (String) records.get(records.size() - 1).get("trial");
        assertEquals(List.of(first + " start", first + " end", second + " start", second + " end"), events);
        assertEquals("killed", records.stream().filter(r -> r.get("event").equals("end")).findFirst().orElseThrow()
                .get("outcome"));
        try (var cgroups = Files.list(Path.of((String) records.get(0).get("confinement")
                .toString().replaceFirst("^cgroup v[12] ", "")).getParent())) {
            assertFalse(cgroups.anyMatch(p -> p.getFileName().toString().startsWith("allocbench-trial-")),
                    "every trial's cgroup is removed, the killed one too");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void rlimitFallbackEndsWithAnOutOfMemoryReport(@TempDir Path dir) {
        AuditJournal journal = new AuditJournal(dir.resolve("journal.jsonl"));
        TrialSpec spec = new TrialSpec("t-rlimit", "aset-native", "malloc-large", 20_000, 42, 64 * MB);
        TrialOutcome o = Trial.run(spec, null, 64 * MB, journal, new PrintWriter(new StringWriter()));
        assertEquals(TrialOutcome.OUT_OF_MEMORY, o.status(), o.toString());
        assertTrue(o.message().contains("out of memory"), o.message());
        assertEquals("RLIMIT_AS " + 64 * MB, journal.read().get(0).get("confinement"));
    }

    @Test
    void javaAllocatorsAreRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trial.run(
                new TrialSpec("t", "aset-java", "small-churn", 100, 1, MB), null, MB, null, null));
        assertTrue(e.getMessage().startsWith("allocator \"aset-java\" cannot run in a limit trial"), e.getMessage());
    }

    @Test
    void aTornLastJournalLineIsSkipped(@TempDir Path dir) throws Exception {
        AuditJournal journal = new AuditJournal(dir.resolve("j.jsonl"));
        journal.append(Map.of("trial", "a", "event", "start"));
        Files.writeString(journal.file(), "{\"trial\":\"a\",\"ev", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of(Map.of("trial", "a", "event", "start")), journal.read());
    }

    @Test
    void bisectionFindsTheSmallestSurvivingLimit(@TempDir Path dir) {
        String missing = cgroupMissing();
        assumeTrue(missing == null, "no memory cgroup can be made here: " + missing);
        LimitRunner runner = new LimitRunner(new AuditJournal(dir.resolve("j.jsonl")),
                new PrintWriter(new StringWriter()), false);
        List<LimitRunner.Probe> probes = runner.smallestSurvivingLimit("aset-native", "malloc-large", 2_000, 42, MB,
                64 * MB, 0.05);
        long best = LimitRunner.smallest(probes);
        assertTrue(best > MB && best <= 64 * MB, probes.toString());
        // everything just below the answer failed, and the answer itself passed
        long bestFailure = probes.stream().filter(p -> !p.outcome().survived()).mapToLong(LimitRunner.Probe::limitBytes)
                .max().orElse(MB);
        assertTrue(bestFailure < best && best - bestFailure <= Math.max(4096, best * 0.05) + 1, probes.toString());
    }
}
