package org.allocbench.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;

/**
 * Version 2 sequences built by hand or at random for tests: the model
 * ({@link Placement}, {@link ContextSpec}, {@link Expectation}) constructed
 * directly, with the trace's rules applied as the text reader would (current
 * context per thread, the chunk's context for r and f, a reset or delete
 * emptying its subtree's slots), so no test depends on the reader.
 */
public final class V2Traces {

    private V2Traces() {
    }

    /** A builder that writes a trace as its text would read: {@code t}, {@code u}, then ops. */
    public static final class Builder {
        private final String name;
        private final int slots;
        private final ContextSpec[] specs;
        private final int threads;
        private final int[] current;
        private final int[] slotContext;
        private final boolean[] live;
        private final List<Expectation> expectations = new ArrayList<>();
        private long[] ops = new long[64];
        private int[] where = new int[64];
        private int n;
        private int thread;

        public Builder(String name, int slots, int contexts, int threads) {
            this.name = name;
            this.slots = slots;
            this.specs = new ContextSpec[contexts];
            specs[0] = ContextSpec.ROOT;
            this.threads = threads;
            this.current = new int[threads];
            this.slotContext = new int[slots];
            Arrays.fill(slotContext, -1);
            this.live = new boolean[contexts];
            live[0] = true;
        }

        /** {@code t T}. */
        public Builder t(int t) {
            thread = t;
            return this;
        }

        /** {@code u C}. */
        public Builder u(int context) {
            current[thread] = context;
            return this;
        }

        public Builder c(int id, int parent, long min, long init, long max, String contextName) {
            specs[id] = new ContextSpec(parent, min, init, max, contextName);
            live[id] = true;
            return op(OpSequence.CREATE, 0, 0, id);
        }

        public Builder a(int slot, long size) {
            slotContext[slot] = current[thread];
            return op(OpSequence.ALLOC, slot, size, current[thread]);
        }

        public Builder z(int slot, long size) {
            slotContext[slot] = current[thread];
            return op(OpSequence.ALLOC_ZEROED, slot, size, current[thread]);
        }

        public Builder r(int slot, long size) {
            return op(OpSequence.REALLOC, slot, size, slotContext[slot]);
        }

        public Builder f(int slot) {
            int c = slotContext[slot];
            slotContext[slot] = -1;
            return op(OpSequence.FREE, slot, 0, c);
        }

        /** {@code R}: the current context. */
        public Builder reset() {
            return reset(current[thread]);
        }

        /** {@code R C}. */
        public Builder reset(int context) {
            release(context, false);
            return op(OpSequence.RESET, 0, 0, context);
        }

        /** {@code d C}. */
        public Builder d(int context) {
            release(context, true);
            return op(OpSequence.DELETE, 0, 0, context);
        }

        /** {@code e C TOTAL BLOCKS FREECHUNKS FREE}, before the next op. */
        public Builder e(int context, long total, long blocks, long freeChunks, long free) {
            expectations.add(new Expectation(n, context, total, blocks, freeChunks, free));
            return this;
        }

        /** Whether context {@code id} is live now. */
        public boolean isLive(int id) {
            return live[id];
        }

        /** The context of the chunk in {@code slot}, or -1 if the slot is empty. */
        public int slotContext(int slot) {
            return slotContext[slot];
        }

        public int currentContext() {
            return current[thread];
        }

        public int ops() {
            return n;
        }

        private void release(int top, boolean deleteTop) {
            for (int id = 0; id < specs.length; id++) {
                if (live[id] && id != top && descends(id, top)) {
                    live[id] = false;
                }
            }
            if (deleteTop) {
                live[top] = false;
            }
            for (int s = 0; s < slots; s++) {
                if (slotContext[s] >= 0 && (slotContext[s] == top || descends(slotContext[s], top))) {
                    slotContext[s] = -1;
                }
            }
        }

        /** Whether {@code id} is a strict descendant of {@code top} (ids are never reused). */
        private boolean descends(int id, int top) {
            for (int up = specs[id] == null ? -1 : specs[id].parent(); up >= 0; up = specs[up].parent()) {
                if (up == top) {
                    return true;
                }
            }
            return false;
        }

        private Builder op(byte kind, int slot, long size, int context) {
            if (n == ops.length) {
                ops = Arrays.copyOf(ops, n * 2);
                where = Arrays.copyOf(where, n * 2);
            }
            ops[n] = OpSequence.encode(kind, slot, size);
            where[n] = Placement.encode(context, thread);
            n++;
            return this;
        }

        public OpSequence build() {
            return new OpSequence(name, slots, Arrays.copyOf(ops, n),
                    new Placement(threads, Arrays.copyOf(where, n), specs.clone(), expectations));
        }
    }

    /**
     * A random tree workload of {@code count} ops over {@code slots} slots and up to {@code contexts} contexts on
     * {@code threads} threads: contexts created under random live ones (AllocSet sizes of PostgreSQL's presets),
     * allocations into the current context of the op's thread (switched now and then), frees and resizes of
     * random live chunks from any thread, resets and deletes of random contexts. Sizes from 1 to
     * {@code maxSize}, log-uniform.
     */
    public static OpSequence random(long seed, int count, int slots, int contexts, int threads, long maxSize) {
        SplittableRandom random = new SplittableRandom(seed);
        Builder b = new Builder("random-" + seed, slots, contexts, threads);
        long[][] presets = {{0, 8192, 8 << 20}, {0, 1024, 8192}, {0, 1024, 8 << 20}, {4096, 1024, 65536}};
        int created = 1;
        while (b.ops() < count) {
            b.t(random.nextInt(threads));
            int roll = random.nextInt(100);
            int slot = random.nextInt(slots);
            if (!b.isLive(b.currentContext()) || roll < 4) {
                b.u(randomLive(b, random, created));
            } else if (roll < 8 && created < contexts) {
                long[] p = presets[random.nextInt(presets.length)];
                b.c(created, randomLive(b, random, created), p[0], p[1], p[2], "ctx" + created);
                created++;
            } else if (roll < 10) {
                int victim = randomLive(b, random, created);
                if (victim != 0 && random.nextBoolean()) {
                    b.d(victim);
                } else {
                    b.reset(victim);
                }
            } else if (b.slotContext(slot) < 0) {
                long size = logUniform(random, maxSize);
                if (random.nextInt(4) == 0) {
                    b.z(slot, size);
                } else {
                    b.a(slot, size);
                }
            } else if (roll < 30) {
                b.r(slot, logUniform(random, maxSize));
            } else {
                b.f(slot);
            }
        }
        return b.build();
    }

    private static int randomLive(Builder b, SplittableRandom random, int created) {
        while (true) {
            int id = random.nextInt(created);
            if (b.isLive(id)) {
                return id;
            }
        }
    }

    private static long logUniform(SplittableRandom random, long max) {
        double bits = random.nextDouble() * (63 - Long.numberOfLeadingZeros(max));
        return Math.min(max, Math.max(1, (long) Math.pow(2, bits)));
    }
}
