package org.allocbench.trace;

import java.util.Arrays;

/**
 * A version 2 trace's state in trace order (docs/trace-format.md#version-2): which slots are live in which
 * context, and the tree of live contexts. It is the one place that knows the format's rules about contexts,
 * used twice: by {@link TraceReader}, line by line as it parses (a broken rule becomes an error naming the
 * line), and by the replay plans and the writer over a finished {@link OpSequence} ({@link #step}: the error
 * names the op by its index).
 *
 * <p>The primitive operations ({@link #alloc}, {@link #resize}, {@link #free}, {@link #reset},
 * {@link #delete}, {@link #create}) return {@code null} when the rule holds and the state moved on, or a
 * problem in words (nothing changed); no exception on the reader's fast path. Each context's live slots are
 * a doubly linked list in allocation order, its children a list, newest first, so a reset or delete lists
 * the chunks it releases in the order a replay frees them: the context's own, then each child's subtree,
 * newest first.
 */
public final class TraceSimulation {
    private static final byte NEVER = 0;
    private static final byte LIVE = 1;
    private static final byte DEAD = 2;

    private ContextSpec[] contexts;
    private int[] slotContext;
    private long[] slotSize;
    private int[] nextInContext;
    private int[] prevInContext;
    private byte[] state;
    private int[] head;
    private int[] tail;
    private int[] firstChild;
    private int[] nextSibling;
    private int[] prevSibling;
    private final IntList stack = new IntList();
    private long liveBytes;
    private long peakBytes;

    /**
     * An empty state: every slot empty, only the root (0) live. {@code contexts} is the trace's context
     * table, read (not copied) when a context is created; the reader fills an entry just before it creates
     * that context.
     */
    public TraceSimulation(int slots, ContextSpec[] contexts) {
        this.contexts = contexts;
        int n = contexts.length;
        slotContext = new int[slots];
        Arrays.fill(slotContext, -1);
        slotSize = new long[slots];
        nextInContext = new int[slots];
        prevInContext = new int[slots];
        state = new byte[n];
        state[0] = LIVE;
        head = filled(n);
        tail = filled(n);
        firstChild = filled(n);
        nextSibling = filled(n);
        prevSibling = filled(n);
    }

    /** The state before the first op of a version 2 sequence. */
    public TraceSimulation(OpSequence ops) {
        this(ops.slots(), ops.placement().contexts());
    }

    /**
     * Room for {@code slots} slots and the longer context table {@code table} (its first entries as before),
     * the state kept: for a trace built as it is read (a recording), whose sizes are known only at the end.
     */
    public void grow(int slots, ContextSpec[] table) {
        int oldSlots = slotContext.length;
        if (slots > oldSlots) {
            slotContext = Arrays.copyOf(slotContext, slots);
            Arrays.fill(slotContext, oldSlots, slots, -1);
            slotSize = Arrays.copyOf(slotSize, slots);
            nextInContext = Arrays.copyOf(nextInContext, slots);
            prevInContext = Arrays.copyOf(prevInContext, slots);
        }
        int oldContexts = state.length;
        int n = table.length;
        if (n > oldContexts) {
            state = Arrays.copyOf(state, n);
            head = grown(head, n);
            tail = grown(tail, n);
            firstChild = grown(firstChild, n);
            nextSibling = grown(nextSibling, n);
            prevSibling = grown(prevSibling, n);
        }
        contexts = table;
    }

    private static int[] grown(int[] a, int n) {
        int old = a.length;
        int[] b = Arrays.copyOf(a, n);
        Arrays.fill(b, old, n, -1);
        return b;
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    /**
     * Op {@code i} of {@code ops} (a version 2 sequence); the slots an R or d releases are added to
     * {@code released} (if not null).
     *
     * @throws IllegalArgumentException the op breaks a rule, named with its index
     */
    public void step(OpSequence ops, int i, IntList released) {
        Placement placement = ops.placement();
        int slot = ops.slot(i);
        int context = placement.context(i);
        String problem;
        if (placement.thread(i) >= placement.threads()) {
            problem = "thread " + placement.thread(i) + " is not below the trace's " + placement.threads();
        } else if (context >= state.length) {
            problem = "context " + context + " is not below the trace's " + state.length;
        } else if (slot >= slotContext.length && ops.kind(i) <= OpSequence.FREE) {
            problem = "slot " + slot + " is not below the trace's " + slotContext.length;
        } else {
            problem = switch (ops.kind(i)) {
                case OpSequence.ALLOC, OpSequence.ALLOC_ZEROED -> alloc(slot, context, ops.size(i));
                case OpSequence.REALLOC -> {
                    String wrong = chunkIn(slot, context, 'r');
                    yield wrong != null ? wrong : resize(slot, ops.size(i));
                }
                case OpSequence.FREE -> {
                    String wrong = chunkIn(slot, context, 'f');
                    yield wrong != null ? wrong : free(slot);
                }
                case OpSequence.RESET -> reset(context, released);
                case OpSequence.CREATE -> create(context);
                case OpSequence.DELETE -> delete(context, released);
                default -> "unknown op kind " + ops.kind(i);
            };
        }
        if (problem != null) {
            throw new IllegalArgumentException("invalid trace " + ops.name() + " at op " + i + ": " + problem);
        }
    }

    /** {@code a} or {@code z} of {@code size} bytes into {@code slot}, in {@code context}. */
    public String alloc(int slot, int context, long size) {
        if (state[context] != LIVE) {
            return notLive(context);
        }
        if (slotContext[slot] >= 0) {
            return "slot " + slot + " is already full";
        }
        link(slot, context);
        resized(slot, size);
        return null;
    }

    /** The context of the chunk in {@code slot}, or -1 if the slot is empty. */
    public int chunkContext(int slot) {
        return slotContext[slot];
    }

    /** {@code r}: the chunk in {@code slot} (full) now has {@code size} bytes. */
    public String resize(int slot, long size) {
        if (slotContext[slot] < 0) {
            return "'r' on slot " + slot + ", which is empty";
        }
        resized(slot, size);
        return null;
    }

    /** {@code f}: the chunk in {@code slot} (full) is freed. */
    public String free(int slot) {
        if (slotContext[slot] < 0) {
            return "'f' on slot " + slot + ", which is empty";
        }
        unlink(slot);
        return null;
    }

    /** {@code R C}: every descendant of C dies, every chunk of C and of them is freed. */
    public String reset(int context, IntList released) {
        if (state[context] != LIVE) {
            return notLive(context);
        }
        release(context, false, released);
        return null;
    }

    /** {@code d C}: C and every descendant die, their chunks are freed. */
    public String delete(int context, IntList released) {
        if (context == 0) {
            return "the root context 0 cannot be deleted";
        }
        if (state[context] != LIVE) {
            return notLive(context);
        }
        release(context, true, released);
        return null;
    }

    /** {@code c C ...}: C, never created before, becomes a live child of its table entry's parent. */
    public String create(int context) {
        ContextSpec spec = contexts[context];
        if (context == 0 || state[context] != NEVER) {
            return "context " + context + " was created before (ids are never reused)";
        }
        if (spec == null) {
            return "context " + context + " has no entry in the context table";
        }
        int parent = spec.parent();
        if (parent < 0 || parent >= state.length || state[parent] != LIVE) {
            return "context " + context + "'s parent " + parent + " is not live";
        }
        state[context] = LIVE;
        nextSibling[context] = firstChild[parent];
        if (firstChild[parent] >= 0) {
            prevSibling[firstChild[parent]] = context;
        }
        firstChild[parent] = context;
        return null;
    }

    /** Whether context {@code c} is live (created and not deleted). */
    public boolean live(int context) {
        return state[context] == LIVE;
    }

    /** Whether context {@code c} was ever created (the root counts as created). */
    public boolean created(int context) {
        return state[context] != NEVER;
    }

    /** The bytes held by live chunks now. */
    public long liveBytes() {
        return liveBytes;
    }

    /** The most bytes live chunks held at any point so far. */
    public long peakBytes() {
        return peakBytes;
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
        int parent = contexts[c].parent();
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

    private String notLive(int context) {
        return "context " + context + " is not live";
    }

    /** For {@code r} and {@code f} of a finished sequence: the slot is full, and its chunk in {@code context}. */
    private String chunkIn(int slot, int context, char op) {
        if (slotContext[slot] < 0) {
            return "'" + op + "' on slot " + slot + ", which is empty";
        }
        if (slotContext[slot] != context) {
            return "the chunk in slot " + slot + " is in context " + slotContext[slot] + ", not " + context;
        }
        return null;
    }

    /** The slots live now, in slot order. */
    public int[] liveSlots() {
        IntList live = new IntList();
        for (int s = 0; s < slotContext.length; s++) {
            if (slotContext[s] >= 0) {
                live.add(s);
            }
        }
        return live.toArray();
    }
}
