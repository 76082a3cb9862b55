package org.allocbench.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which slot comes back: a thread's own newest first, then another thread's oldest, then a new one. */
class SlotPoolTest {

    @Test
    void aThreadRefillsItsOwnNewestFreedSlotFirst() {
        SlotPool pool = new SlotPool();
        assertEquals(0, pool.take(0));
        assertEquals(1, pool.take(0));
        assertEquals(2, pool.take(0));
        pool.give(0, 0);
        pool.give(0, 2);
        assertEquals(2, pool.take(0));
        assertEquals(0, pool.take(0));
        assertEquals(3, pool.take(0));
        assertEquals(4, pool.slots());
        assertEquals(4, pool.peakLive());
    }

    @Test
    void aThreadWithNoneTakesAnotherThreadsOldestBeforeOpeningOne() {
        SlotPool pool = new SlotPool();
        for (int k = 0; k < 4; k++) {
            assertEquals(k, pool.take(0)); // a producer
        }
        pool.give(1, 2); // a consumer frees 2, then 0
        pool.give(1, 0);
        assertEquals(2, pool.take(0), "the consumer's oldest");
        assertEquals(0, pool.take(0));
        assertEquals(4, pool.take(0), "none left: a new slot");
        assertEquals(5, pool.slots());
        assertEquals(5, pool.peakLive());
        pool.give(2, 4);
        assertEquals(4, pool.take(3), "a thread that never freed takes too");
    }
}
