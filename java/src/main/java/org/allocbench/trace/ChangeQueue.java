package org.allocbench.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * change-queue: logical decoding's reorder buffer, the home of PostgreSQL's
 * Slab and Generation contexts. Change records of one size ({@value #CHANGE_SIZE}
 * bytes) are queued by up to {@value #MAX_OPEN} interleaved transactions; a
 * transaction ends (commit or abort) after 1..{@value #MAX_CHANGES} changes and
 * its changes are freed oldest first. So every allocation has the same size, and
 * lifetimes are FIFO within a transaction but interleaved across them: the
 * case Slab was written for (fixed size) and Generation too (FIFO-ish).
 */
final class ChangeQueue {

    static final long CHANGE_SIZE = 104;
    static final int MAX_OPEN = 8;
    static final int MAX_CHANGES = 512;
    static final int SLOTS = MAX_OPEN * MAX_CHANGES;

    private ChangeQueue() {
    }

    static OpSequence generate(int ops, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PatternBuilder out = new PatternBuilder(Pattern.CHANGE_QUEUE.patternName(), SLOTS, ops);
        SlotPool free = new SlotPool(SLOTS);
        List<ArrayDeque<Integer>> open = new ArrayList<>();
        List<Integer> length = new ArrayList<>();
        while (!out.done()) {
            if (open.size() < MAX_OPEN && (open.isEmpty() || random.nextInt(16) == 0)) {
                open.add(new ArrayDeque<>());
                length.add(random.nextInt(1, MAX_CHANGES + 1));
            }
            int t = random.nextInt(open.size());
            ArrayDeque<Integer> changes = open.get(t);
            if (changes.size() < length.get(t)) {
                int slot = free.take();
                out.alloc(slot, CHANGE_SIZE);
                changes.addLast(slot);
                continue;
            }
            while (!changes.isEmpty() && !out.done()) { // the transaction ends: its changes go, oldest first
                int slot = changes.removeFirst();
                out.free(slot);
                free.release(slot);
            }
            open.remove(t);
            length.remove(t);
        }
        return out.build();
    }
}
