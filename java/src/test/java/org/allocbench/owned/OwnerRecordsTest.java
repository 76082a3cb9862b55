package org.allocbench.owned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerRecordsTest {

    @TempDir
    Path tmp;

    @Test
    void everyKindOfResourceSurvivesItsRecordLine() {
        List<Resource> all = List.of(new Resource.TempDir(Path.of("/tmp/allocbench-x")),
                new Resource.PgServer(Path.of("/tmp/p/data"), Path.of("/usr/bin/pg_ctl"), "postgres"),
                new Resource.PgServer(Path.of("/tmp/p/data"), Path.of("/usr/bin/pg_ctl"), ""),
                new Resource.Cgroup(Path.of("/sys/fs/cgroup/a/allocbench-trial-1")),
                new Resource.HugePool(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"), 3),
                new Resource.PosixSegment("/allocbench.x"), new Resource.SysvSegment(0x4142abcdL),
                new Resource.RunFile(Path.of("/r/results.json")));
        for (Resource r : all) {
            assertEquals(r, Resource.parse(r.line()), r.line());
        }
    }

    @Test
    void aNameWithATabCannotBeRecorded() {
        assertThrows(IllegalArgumentException.class, () -> new Resource.TempDir(Path.of("/tmp/a\tb")).line());
    }

    @Test
    void pendingIsWhatWasMadeAndNotStruckInOrderAndATornLastLineIsIgnored() throws Exception {
        Resource a = new Resource.TempDir(Path.of("/a"));
        Resource b = new Resource.TempDir(Path.of("/b"));
        Resource c = new Resource.Cgroup(Path.of("/c"));
        Path file = tmp.resolve("1-2.owned");
        Files.writeString(file, OwnerRecords.header(1, 2, "run --x") + OwnerRecords.entry(true, a)
                + OwnerRecords.entry(true, b) + OwnerRecords.entry(false, a) + OwnerRecords.entry(true, c)
                + OwnerRecords.entry(false, a) + "+\tcgro");
        OwnerRecords.OwnerRecord r = OwnerRecords.read(file);
        assertEquals(List.of(b, c), r.pending());
        assertEquals(1, r.pid());
        assertEquals(2, r.startTime());
        assertEquals("run --x", r.command());
    }

    @Test
    void aRecordWithoutItsOwnerLineIsNone() throws Exception {
        Path file = tmp.resolve("1-2.owned");
        Files.writeString(file, "");
        assertNull(OwnerRecords.read(file));
        assertNull(OwnerRecords.read(tmp.resolve("missing.owned")));
    }

    @Test
    void onlyTheDefaultDirectoryIsRemovedWhenEmpty() throws Exception {
        Path given = Files.createDirectory(tmp.resolve("owners"));
        OwnerRecords.removeIfEmpty(given);
        assertTrue(Files.isDirectory(given), "a directory given to the suite is the caller's");
    }

    @Test
    void thisProcessIsAliveAndAReusedPidIsNot() {
        long pid = ProcessHandle.current().pid();
        long start = OwnerRecords.startTime(pid);
        assertTrue(start > 0);
        assertTrue(new OwnerRecords.OwnerRecord(tmp, pid, start, "", List.of()).ownerAlive());
        assertFalse(new OwnerRecords.OwnerRecord(tmp, pid, start + 1, "", List.of()).ownerAlive());
        assertEquals(-1, OwnerRecords.startTime(Long.MAX_VALUE));
    }
}
