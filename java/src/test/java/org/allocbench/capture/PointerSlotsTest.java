package org.allocbench.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pointer map against java.util.HashMap, through growth and many deletions (the backward shift). */
class PointerSlotsTest {

    @Test
    void agreesWithAHashMapThroughChurn() {
        PointerSlots map = new PointerSlots();
        Map<Long, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 400_000; i++) {
            // aligned addresses from a small range: many collisions, long probe runs
            long pointer = 0x7f0000000000L + 16L * random.nextInt(i < 200_000 ? 20_000 : 2_000);
            int op = random.nextInt(3);
            Integer before = expected.getOrDefault(pointer, PointerSlots.ABSENT);
            if (op == 0) {
                assertEquals(before, map.put(pointer, i), "put");
                expected.put(pointer, i);
            } else if (op == 1) {
                assertEquals(before, map.remove(pointer), "remove");
                expected.remove(pointer);
            } else {
                assertEquals(before, map.get(pointer), "get");
            }
            assertEquals(expected.size(), map.size());
        }
        for (Map.Entry<Long, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }
}
