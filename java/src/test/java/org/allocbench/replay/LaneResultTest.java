package org.allocbench.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LaneResultTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(20.0, LaneResult.medianNsPerOp(new long[] {3000, 1000, 2000}, 100));
        assertEquals(15.0, LaneResult.medianNsPerOp(new long[] {4000, 1000, 2000, 1000}, 100));
        assertEquals(2.5, LaneResult.medianNsPerOp(new long[] {5}, 2));
    }

    @Test
    void refusesNothingToDivide() {
        assertThrows(IllegalArgumentException.class, () -> LaneResult.medianNsPerOp(new long[0], 1));
        assertThrows(IllegalArgumentException.class, () -> LaneResult.medianNsPerOp(new long[] {1}, 0));
    }
}
