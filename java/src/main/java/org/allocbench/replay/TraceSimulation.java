package org.allocbench.replay;

import java.util.Arrays;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * A version 2 trace's state, op by op in trace order, for {@link TreePlan}: which slots are live in which
 * context, and the tree of live contexts; each op is checked against the format's rules on the way (an
 * {@link IllegalArgumentException} names the op by its index). Each context's live slots are a doubly linked
 * list in allocation order, its children a list, newest first, so a reset or delete lists the chunks it
 * releases in the order the replay frees them: the context's own, then each child's subtree, newest first.
 */
final class TraceSimulation {
    private static final byte NEVER = 0;
    private static final byte LIVE = 1;
    private static final byte DEAD = 2;

    private final OpSequence ops;
    private final Placement placement;
    private final int[] slotContext;
    private final long[] slotSize;
    private final int[] nextInContext;
    private final int[] prevInContext;
    private final byte[] state;
    private final int[] head;
    private final int[] tail;
    private final int[] firstChild;
    private final int[] nextSibling;
    private final int[] prevSibling;
    private final IntList stack = new IntList();
    long liveBytes;
    long peakBytes;

    TraceSimulation(OpSequence ops) {
        this.ops = ops;
        this.placement = ops.placement();
        int slots = ops.slots();
        int contexts = placement.contextCount();
        slotContext = new int[slots];
        Arrays.fill(slotContext, -1);
        slotSize = new long[slots];
        nextInContext = new int[slots];
        prevInContext = new int[slots];
        state = new byte[contexts];
        state[0] = LIVE;
        head = filled(contexts);
        tail = filled(contexts);
        firstChild = filled(contexts);
        nextSibling = filled(contexts);
        prevSibling = filled(contexts);
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    /** Op {@code i}; the slots an R or d releases are added to {@code released} (if not null). */
    void step(int i, IntList released) {
        int slot = ops.slot(i);
        int context = placement.context(i);
        if (placement.thread(i) >= placement.threads()) {
            throw bad(i, "thread " + placement.thread(i) + " is not below the trace's " + placement.threads());
        }
        if (context >= state.length) {
            throw bad(i, "context " + context + " is not below the trace's " + state.length);
        }
        switch (ops.kind(i)) {
            case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> {
                requireLive(i, context);
                if (slotContext[slot] >= 0) {
                    throw bad(i, "slot " + slot + " is already full");
                }
                link(slot, context);
                resized(slot, ops.size(i));
            }
            case OpSequence.REALLOC -> {
                requireChunkIn(i, slot, context);
                resized(slot, ops.size(i));
            }
            case OpSequence.FREE -> {
                requireChunkIn(i, slot, context);
                unlink(slot);
            }
            case OpSequence.RESET -> {
                requireLive(i, context);
                release(context, false, released);
            }
            case OpSequence.CREATE -> create(i, context);
            case OpSequence.DELETE -> {
                if (context == 0) {
                    throw bad(i, "the root context 0 cannot be deleted");
                }
                requireLive(i, context);
                release(context, true, released);
            }
            default -> throw bad(i, "unknown op kind " + ops.kind(i));
        }
    }

    private void create(int i, int context) {
        ContextSpec spec = context < placement.contexts().length ? placement.contexts()[context] : null;
        if (context == 0 || state[context] != NEVER) {
            throw bad(i, "context " + context + " was created before (ids are never reused)");
        }
        if (spec == null) {
            throw bad(i, "context " + context + " has no entry in the context table");
        }
        int parent = spec.parent();
        if (parent < 0 || parent >= state.length || state[parent] != LIVE) {
            throw bad(i, "context " + context + "'s parent " + parent + " is not live");
        }
        state[context] = LIVE;
        nextSibling[context] = firstChild[parent];
        if (firstChild[parent] >= 0) {
            prevSibling[firstChild[parent]] = context;
        }
        firstChild[parent] = context;
    }

    /** Frees every chunk of {@code top} and its descendants; the descendants die, and top too if deleted. */
    private void release(int top, boolean deleteTop, IntList released) {
        stack.clear();
        stack.add(top);
        while (stack.size() > 0) {
            int c = stack.removeLast();
            for (int s = head[c]; s >= 0; s = nextInContext[s]) {
                if (released != null) {
                    released.add(s);
                }
                slotContext[s] = -1;
                liveBytes -= slotSize[s];
            }
            head[c] = tail[c] = -1;
            // children newest first: push in reverse, so the newest is released first
            int pushedFrom = stack.size();
            for (int k = firstChild[c]; k >= 0; k = nextSibling[k]) {
                stack.add(k);
                state[k] = DEAD;
            }
            stack.reverse(pushedFrom);
            firstChild[c] = -1;
        }
        if (deleteTop) {
            state[top] = DEAD;
            unlinkContext(top);
        }
    }

    private void unlinkContext(int c) {
        int parent = placement.contexts()[c].parent();
        if (prevSibling[c] >= 0) {
            nextSibling[prevSibling[c]] = nextSibling[c];
        } else if (firstChild[parent] == c) {
            firstChild[parent] = nextSibling[c];
        }
        if (nextSibling[c] >= 0) {
            prevSibling[nextSibling[c]] = prevSibling[c];
        }
        prevSibling[c] = nextSibling[c] = -1;
    }

    private void link(int slot, int context) {
        slotContext[slot] = context;
        nextInContext[slot] = -1;
        prevInContext[slot] = tail[context];
        if (tail[context] >= 0) {
            nextInContext[tail[context]] = slot;
        } else {
            head[context] = slot;
        }
        tail[context] = slot;
        slotSize[slot] = 0;
    }

    private void unlink(int slot) {
        int context = slotContext[slot];
        int prev = prevInContext[slot];
        int next = nextInContext[slot];
        if (prev >= 0) {
            nextInContext[prev] = next;
        } else {
            head[context] = next;
        }
        if (next >= 0) {
            prevInContext[next] = prev;
        } else {
            tail[context] = prev;
        }
        slotContext[slot] = -1;
        liveBytes -= slotSize[slot];
    }

    private void resized(int slot, long size) {
        liveBytes += size - slotSize[slot];
        slotSize[slot] = size;
        peakBytes = Math.max(peakBytes, liveBytes);
    }

    private void requireLive(int i, int context) {
        if (state[context] != LIVE) {
            throw bad(i, "context " + context + " is not live");
        }
    }

    private void requireChunkIn(int i, int slot, int context) {
        if (slotContext[slot] < 0) {
            throw bad(i, "'" + (ops.kind(i) == OpSequence.FREE ? 'f' : 'r') + "' on slot " + slot
                    + ", which is empty");
        }
        if (slotContext[slot] != context) {
            throw bad(i, "the chunk in slot " + slot + " is in context " + slotContext[slot] + ", not "
                    + context);
        }
    }

    int[] liveSlots() {
        IntList live = new IntList();
        for (int s = 0; s < slotContext.length; s++) {
            if (slotContext[s] >= 0) {
                live.add(s);
            }
        }
        return live.toArray();
    }

    private IllegalArgumentException bad(int i, String what) {
        return new IllegalArgumentException("invalid trace " + ops.name() + " at op " + i + ": " + what);
    }
}
