package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The estimate charges each step to come what steps of its kind took, not the mean of all steps. */
class ProgressTest {

    @Test
    void theEstimateFollowsWhatEachKindOfStepCost() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), Progress.Mode.PLAIN, now::get);
        p.plan(List.of("jvm", "c", "c", "c", "jvm"));
        p.step(1, 5, "g1", "", "jvm");
        now.set(10_000_000_000L); // the JVM lane took 10 s
        p.step(2, 5, "g2", "", "c");
        now.set(11_000_000_000L); // the C lane 1 s
        p.step(3, 5, "g3", "", "c");
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("cell 1/5: g1, 0s elapsed, ~? left", lines.get(0));
        // no C lane seen yet: the mean of the steps so far (10 s) for each of the four to come
        assertEquals("cell 2/5: g2, 10s elapsed, ~40s left", lines.get(1));
        // two C lanes (1 s each) and a JVM lane (10 s) to come: 12 s, where the mean (5.5 s a step) says 16.5 s
        assertEquals("cell 3/5: g3, 11s elapsed, ~12s left", lines.get(2));
    }
}
