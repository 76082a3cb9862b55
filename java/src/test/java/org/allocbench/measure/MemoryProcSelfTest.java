package org.allocbench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** /proc/self figures: real ones are positive, the parsers read the right fields. */
class MemoryProcSelfTest {

    @Test
    void readsRealFiguresOfThisProcess() {
        ProcSelf.Snapshot s = ProcSelf.read();
        assertTrue(s.rssBytes() > 0, s.toString());
        assertTrue(s.hwmBytes() >= s.rssBytes(), s.toString());
        assertTrue(s.minorFaults() > 0, s.toString());
        assertTrue(s.threadMinorFaults() > 0, s.toString());
        assertTrue(s.threadMinorFaults() <= s.minorFaults(), s.toString());
    }

    @Test
    void touchingFreshMemoryRaisesFaults() {
        // 64 MiB natively: above glibc's largest mmap threshold, so fresh pages (the Java heap may be resident already)
        try (Arena arena = Arena.ofConfined()) {
            ProcSelf.Snapshot before = ProcSelf.read();
            MemorySegment big = arena.allocate(64L << 20); // zeroed, so every page is written
            ProcSelf.Snapshot after = ProcSelf.read();
            assertEquals(0, big.get(ValueLayout.JAVA_BYTE, 12345));
            assertTrue(after.threadMinorFaults() - before.threadMinorFaults() > 1000, before + " -> " + after);
        }
    }

    @Test
    void parsesStatusAndStatLines() {
        String status = "Name:\tjava\nVmPeak:\t 100 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n";
        assertEquals(1024, ProcSelf.statusKiB(status, "VmRSS"));
        assertEquals(2048, ProcSelf.statusKiB(status, "VmHWM"));
        assertThrows(IllegalStateException.class, () -> ProcSelf.statusKiB(status, "VmSwap"));
        // a command name with spaces and a ')' must not shift the fields; minflt is field 10
        String stat = "1234 (we ird) name) S 1 1234 1234 0 -1 4194560 777 0 3 0 5 6 0 0 20 0 1 0 9 1000 20";
        assertEquals(777, ProcSelf.minorFaults(stat));
    }
}
