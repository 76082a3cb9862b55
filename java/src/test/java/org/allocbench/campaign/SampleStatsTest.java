package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStatsTest {

    @Test
    void medianAndAnIntervalThatHoldsIt() {
        List<Double> s = List.of(10.0, 11.0, 12.0, 13.0, 50.0);
        SampleStats.Summary sum = SampleStats.summarise(s, List.of(0, 0, 0, 0, 0));
        assertEquals(12.0, sum.median());
        assertTrue(sum.ciLow() >= 10.0 && sum.ciLow() <= 12.0, sum.toString());
        assertTrue(sum.ciHigh() >= 12.0 && sum.ciHigh() <= 50.0, sum.toString());
        assertEquals(sum, SampleStats.summarise(s, List.of(0, 0, 0, 0, 0)), "fixed seed: same interval");
    }

    @Test
    void forksAreResampledAsUnits() {
        SampleStats.Summary sum = SampleStats.summarise(List.of(10.0, 10.0, 20.0, 20.0), List.of(0, 0, 1, 1));
        assertEquals(15.0, sum.median());
        assertEquals(10.0, sum.ciLow());
        assertEquals(20.0, sum.ciHigh());
    }

    @Test
    void noSamples() {
        SampleStats.Summary sum = SampleStats.summarise(List.of(), List.of());
        assertNull(sum.median());
    }
}
