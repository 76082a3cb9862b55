package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.DocsExample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The process model on every segment kind, two processes, counters worked out
 * by hand: each process's first touch of an 8 MiB segment of 4 KiB pages is
 * exactly 2,048 minor faults (one write per page; the first process's faults
 * allocate the pages, the second's map them), each replays the docs' example
 * trace to PostgreSQL 16+'s "8192 total in 1 blocks; 7928 free (0 chunks); 264
 * used" before its last delete, and the page-table figures are whole 4 KiB
 * table pages read from /proc (VmPTE): at least the 16 KiB of entries 2,048
 * pages need per process. Nothing of the segment is left afterwards.
 */
class SegmentProcessesTest {

    private static final long BYTES = 8L << 20;
    static OpSequence docsExample() {
        return DocsExample.sequence();
    }

    @ParameterizedTest
    @EnumSource(value = SegmentKind.class, names = {"ANONYMOUS", "POSIX", "SYSV"})
    void twoProcessesOnOneSegmentCountExactly(SegmentKind kind) throws IOException {
        List<String> before = leftovers();
        SegmentProcesses.Run r = SegmentProcesses.run(kind, PageMapping.SMALL, BYTES, 2, 3, docsExample());

        assertEquals(BYTES, r.segmentBytes());
        assertEquals(4096, r.pageSize());
        assertEquals(4096, r.smapsPageSize());
        assertEquals(2, r.backends().size());
        for (SegmentProcesses.Backend b : r.backends()) {
            assertEquals(2048, b.touchFaults(), kind + " process " + b.index());
            assertEquals(new MemoryContextCounters(1, 0, 8192, 7928, 264), b.counters());
            assertEquals(3, b.replayNs().length);
            assertTrue(b.vmPteBeforeBytes() > 0 && b.vmPteBeforeBytes() % 4096 == 0, "VmPTE before: " + b);
            assertEquals(0, b.segmentPageTableBytes() % 4096, "page tables come in 4 KiB pages: " + b);
            assertTrue(b.segmentPageTableBytes() >= BYTES / 4096 * 8, "2,048 entries of 8 bytes at least: " + b);
            assertTrue(b.vmRssHeldBytes() >= BYTES, "the whole segment is resident in each: " + b);
            assertEquals(kind == SegmentKind.ANONYMOUS, b.attachNs() == 0, "only anonymous is inherited: " + b);
        }
        assertTrue(r.backends().get(0).pid() != r.backends().get(1).pid());
        assertTrue(r.pageTablesBeforeKb() > 0 && r.pageTablesHeldKb() > 0 && r.pageTablesAfterKb() > 0);
        assertEquals(before, leftovers(), "the segment is removed");
    }

    @Test
    void aMappingTheKernelCannotGiveFailsWithTheReasonAndLeavesNothing() throws IOException {
        List<String> before = leftovers();
        // sysv with 1 GiB pages where none are reserved (CI reserves none here): huge_pages=on's error, no segment
        org.junit.jupiter.api.Assumptions.assumeTrue(
                org.allocbench.nativecore.HugePagePool.of(1L << 30).free() == 0, "1 GiB pages are reserved here");
        SegmentProcesses.ProcessModelException e = assertThrows(SegmentProcesses.ProcessModelException.class,
                () -> SegmentProcesses.run(SegmentKind.SYSV, PageMapping.HUGE_1G, 1L << 30, 2, 1, docsExample()));
        assertTrue(e.getMessage().contains("huge"), e.getMessage());
        assertEquals(before, leftovers());
    }

    /** POSIX names of the process model in /dev/shm, and SysV segments of the suite's key range. */
    private static List<String> leftovers() throws IOException {
        List<String> found;
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            found = new java.util.ArrayList<>(shm.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("allocbench.procs.")).toList());
        }
        for (String line : Files.readAllLines(Path.of("/proc/sysvipc/shm"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].matches("-?\\d+")) {
                long key = Long.parseLong(f[0]) & 0xffffffffL;
                if (key >= 0x41420000L && key <= 0x4142FFFFL) {
                    found.add("sysv " + Long.toHexString(key));
                }
            }
        }
        java.util.Collections.sort(found);
        return found;
    }
}
