package org.allocbench.arena;

import static org.allocbench.nativecore.AddressSpace.ALL;
import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;

/** Exact-accounting assertions and raw memory helpers shared by the arena tests. */
final class ArenaCounters {

    private ArenaCounters() {
    }

    /** A fresh DEFAULT context, as PostgreSQL 17 prints it. */
    static void assertFreshDefault(JavaAllocSet set) {
        assertCounters(set.stats(), 8192, 1, 7952, 0, 240);
    }

    static void fill(long pointer, int n) {
        for (int i = 0; i < n; i++) {
            ALL.set(ValueLayout.JAVA_BYTE, pointer + i, (byte) (i * 7));
        }
    }

    static void assertFilled(long pointer, int n) {
        for (int i = 0; i < n; i++) {
            assertEquals((byte) (i * 7), ALL.get(ValueLayout.JAVA_BYTE, pointer + i), "byte " + i);
        }
    }

    static long header(long pointer) {
        return ALL.get(ValueLayout.JAVA_LONG, pointer - 8);
    }
}
