package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * Whole-trace replay in C ({@code ab_replay}, native/src/replay.c): one
 * downcall runs every op of every iteration, so the figures carry no
 * per-op FFM cost. The work is op for op what
 * {@code org.allocbench.replay.ReplayLoop} does through the allocator
 * interface: each iteration creates a fresh context, replays the ops
 * (touching the first and last byte of every allocation and resize), and
 * deletes the context; creation and deletion are timed.
 *
 * <p>Ops are in {@code org.allocbench.trace.OpSequence}'s encoding (one long
 * per op: kind in bits 0..2, slot in 3..26, size in 27..56). This package
 * sits below {@code trace}, so it takes the encoded array and the slot count
 * ({@code OpSequence.encoded()} and {@code slots()}), not the sequence.
 *
 * <p>The trace is validated in C before anything is timed; a bad one
 * (unknown kind, slot out of range, alloc into a full slot, realloc or free
 * of an empty one, size outside 1..MaxAllocSize) is a
 * {@link MemoryContextException} naming the 0-based op index, e.g.
 * {@code invalid trace at op 3: 'f' on slot 1, which is empty}.
 *
 * <p>The one-shot methods ({@link #allocSet}, {@link #malloc}) copy the ops
 * into native memory and validate them once per call, not per iteration. To
 * replay the same trace many times, copy and validate it once with
 * {@link #prepare} and call {@link PreparedTrace#time} or
 * {@link PreparedTrace#run} on it: a benchmark that times each call must, as
 * validation costs about 5 ns per op, a third of an AllocSet replay.
 */
public final class NativeReplay {

    private static final String LIBRARY = "liballocbench.so";
    private static final int AB_REPLAY_ASET = 1;
    private static final int AB_REPLAY_MALLOC = 2;
    private static final int AB_REPLAY_FLOOR = 4;
    private static final int AB_REPLAY_GENERATION = 5;
    private static final int AB_REPLAY_SLAB = 6;
    private static final int AB_REPLAY_BUMP = 7;
    /** The format's limit on slots (2^24), checked in C too; here only to refuse negatives clearly. */
    public static final int MAX_SLOTS = 1 << 24;

    /*
     * Not critical(false), unlike the per-op calls in AllocSetNative: a critical
     * call keeps the thread "in Java", so every safepoint (each GC, deoptimisation,
     * thread dump) waits until it returns, and a replay runs as long as its trace,
     * seconds for a long one, stalling every other thread of the JVM meanwhile.
     * An ordinary downcall switches the thread to native state and the GC goes on.
     * Its transition costs some ten nanoseconds once per call, nothing against a trace.
     * (critical(true) would also let the long[] be passed without a copy, but the
     * same objection applies.)
     *
     * The buffers are passed as ADDRESS, not JAVA_LONG like the per-op calls' chunk
     * pointers: they are Java-owned arena segments, and an ADDRESS argument keeps
     * the segment's arena alive for the call, so closing a shared PreparedTrace from
     * another thread fails instead of freeing the ops under a running replay.
     */
    /** The replay entry points of one library (the main one, or a variant such as pg15). */
    record Binding(String library, MethodHandle replay, MethodHandle validate, MethodHandle traceCreate,
            MethodHandle traceReplay, MethodHandle traceFree, MethodHandle floorPlan, MethodHandle errorCode,
            MethodHandle errorMessage, MethodHandle errorDetail, MethodHandle traceCreate2, MethodHandle traceReplay2) {

        static Binding of(SymbolLookup lookup, String library) {
            return new Binding(library,
                    Downcalls.link(lookup, library, "ab_replay", FunctionDescriptor.of(JAVA_INT,
                            ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, // ops, nops, nslots, allocator
                            JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, // min_ctx, init_block, max_block, heap
                            JAVA_INT, ADDRESS, ADDRESS, // iterations, ns_per_iteration, minflt_per_iteration
                            ADDRESS, ADDRESS, ADDRESS), // stats, latency_ns, timer_overhead_ns
                            false),
                    // linear in the trace, so not critical either
                    Downcalls.link(lookup, library, "ab_replay_validate",
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), false),
                    // copies and validates once (linear: not critical); returns the AbTrace pointer or 0
                    Downcalls.link(lookup, library, "ab_trace_create",
                            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT), false),
                    // ab_replay without the validation, over the handle; as long-running, so not critical
                    Downcalls.link(lookup, library, "ab_trace_replay", FunctionDescriptor.of(JAVA_INT,
                            ADDRESS, JAVA_INT, // trace, allocator
                            JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, // min_ctx, init_block, max_block, heap
                            JAVA_INT, ADDRESS, ADDRESS, // iterations, ns_per_iteration, minflt_per_iteration
                            ADDRESS, ADDRESS, ADDRESS), // stats, latency_ns, timer_overhead_ns
                            false),
                    // one free(): short, never blocks
                    Downcalls.link(lookup, library, "ab_trace_free", FunctionDescriptor.ofVoid(JAVA_LONG), true),
                    // linear in the trace: not critical
                    Downcalls.link(lookup, library, "ab_floor_plan", FunctionDescriptor.of(JAVA_INT,
                            ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, // ops, nops, nslots, offsets, capacity
                            ADDRESS, ADDRESS), false), // handed_out, region_bytes
                    Downcalls.link(lookup, library, "ab_error_code", FunctionDescriptor.of(JAVA_INT), true),
                    Downcalls.link(lookup, library, "ab_error_message", FunctionDescriptor.of(ADDRESS), true),
                    Downcalls.link(lookup, library, "ab_error_detail", FunctionDescriptor.of(ADDRESS), true),
                    // version 2: copies and validates once (linear: not critical); the AbTrace pointer or 0
                    Downcalls.link(lookup, library, "ab_trace_create2", FunctionDescriptor.of(JAVA_LONG,
                            ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, // ops, placement, nops, nslots
                            ADDRESS, JAVA_INT, JAVA_INT), false), // contexts, ncontexts, nthreads
                    // ab_trace_replay with counter points: as long-running, so not critical
                    Downcalls.link(lookup, library, "ab_trace_replay2", FunctionDescriptor.of(JAVA_INT,
                            ADDRESS, JAVA_INT, // trace, allocator
                            JAVA_LONG, JAVA_LONG, JAVA_LONG, // min_ctx, init_block, max_block
                            JAVA_INT, ADDRESS, ADDRESS, ADDRESS, // iterations, ns, minflt, stats
                            ADDRESS, JAVA_LONG, ADDRESS), false)); // points, npoints, counters
        }

        void check(int rc) {
            if (rc != 0) {
                throw error();
            }
        }

        MemoryContextException error() {
            return NativeError.last(errorCode, errorMessage, errorDetail).asContextException();
        }
    }

    /** The main library's (record fields of a static final are constants to the JIT). */
    private static final Binding MAIN = Binding.of(NativeLibrary.lookup(), LIBRARY);
    private static final java.util.Map<String, Variant> VARIANTS = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        // initialises AllocSetNative, whose static check compares the library's AbCounters with
        // NativeStructs.COUNTERS, before the first replay writes one
        AllocSetNative.variant();
    }

    private NativeReplay() {
    }

    /** Which allocator the replay drives. */
    public enum Lane {
        /** An AllocSet context with the given sizes: R is ab_reset. */
        ALLOC_SET(AB_REPLAY_ASET),
        /** The process's malloc, calloc (for z), realloc, free; R and the end of an iteration free each live chunk. */
        MALLOC(AB_REPLAY_MALLOC),
        /** No allocator: the loop, the dispatch and the touches on memory the floor's plan lays out ({@link #floorPlan}). */
        FLOOR(AB_REPLAY_FLOOR),
        /**
         * The other context kinds, replayed as the AllocSet lane (allocbench.h's AB_REPLAY_GENERATION ...): a
         * trace the kind cannot replay is refused before it runs, a {@link MemoryContextException} of kind
         * {@link MemoryContextException.Kind#NOT_APPLICABLE} whose message says why.
         */
        GENERATION(AB_REPLAY_GENERATION),
        SLAB(AB_REPLAY_SLAB),
        BUMP(AB_REPLAY_BUMP);

        private final int code;

        Lane(int code) {
            this.code = code;
        }

        /** A lane of contexts (AllocSet or another kind), which keeps PostgreSQL's statistics. */
        public boolean hasContexts() {
            return this != MALLOC && this != FLOOR;
        }
    }

    /**
     * What a replay measured.
     *
     * @param nsPerIteration    CLOCK_MONOTONIC nanoseconds of each iteration (create, replay, delete);
     *                          divide by the op count for ns/op. With latencies, the last entry includes the
     *                          per-op clock reads.
     * @param minorFaults       the replaying thread's minor page faults in each iteration (read outside the
     *                          time)
     * @param statsBeforeDelete the context's own counters just before the last iteration deleted it (the
     *                          snapshot's time is not in that iteration's figure); null for the malloc lane,
     *                          which keeps no statistics
     * @param latencies         null, or one entry per op of the last iteration: the op's time, touches
     *                          included, as the difference of two clock reads (so each includes about
     *                          {@code timerOverheadNs})
     * @param timerOverheadNs   median cost of two back-to-back clock reads, measured in the same call
     */
    public record Result(long[] nsPerIteration, long[] minorFaults, MemoryContextCounters statsBeforeDelete,
            long[] latencies, long timerOverheadNs) {
    }

    /** Replays {@code iterations} times through AllocSet contexts of the given sizes. */
    public static Result allocSet(long[] encodedOps, int slots, AllocSetSizes sizes, int iterations,
            boolean latencies) {
        return once(MAIN, encodedOps, slots, Lane.ALLOC_SET, sizes, iterations, latencies);
    }

    /**
     * The whole-trace replay of a library variant, e.g. "pg15" (liballocbench-pg15.so:
     * PostgreSQL 15's chunk layout), loaded beside the main library.
     */
    public static Variant variant(String name) {
        return VARIANTS.computeIfAbsent(name,
                n -> new Variant(n, Binding.of(NativeLibrary.variant(n), "liballocbench-" + n + ".so")));
    }

    /** A library variant's replay: the same calls as NativeReplay's static ones. */
    public static final class Variant {
        private final String name;
        private final Binding binding;

        private Variant(String name, Binding binding) {
            this.name = name;
            this.binding = binding;
        }

        public String name() {
            return name;
        }

        public Result allocSet(long[] encodedOps, int slots, AllocSetSizes sizes, int iterations, boolean latencies) {
            return once(binding, encodedOps, slots, Lane.ALLOC_SET, sizes, iterations, latencies);
        }

        public PreparedTrace prepare(long[] encodedOps, int slots) {
            return NativeReplay.prepare(binding, encodedOps, slots);
        }

        /** {@link NativeReplay#prepareTree} in this variant. */
        public PreparedTrace prepareTree(long[] encodedOps, int slots, int[] placement, int threads, int[] parents,
                long[] sizes, String[] names) {
            return NativeReplay.prepareTree(binding, encodedOps, slots, placement, threads, parents, sizes, names);
        }
    }

    /** Replays {@code iterations} times through malloc and friends. */
    public static Result malloc(long[] encodedOps, int slots, int iterations, boolean latencies) {
        return once(MAIN, encodedOps, slots, Lane.MALLOC, AllocSetSizes.DEFAULT, iterations, latencies);
    }

    /** Replays {@code iterations} times through the floor (no allocator; see {@link Lane#FLOOR}). */
    public static Result floor(long[] encodedOps, int slots, int iterations, boolean latencies) {
        return once(MAIN, encodedOps, slots, Lane.FLOOR, AllocSetSizes.DEFAULT, iterations, latencies);
    }

    /**
     * The floor's plan of a trace ({@code ab_floor_plan}): for each a, z and r in order, the offset into one
     * region of {@code regionBytes} where an ideal allocator with no headers would put it (power-of-two size
     * classes, freed chunks reused LIFO, resizes within a class in place, R starts over). Validates the trace.
     */
    public record FloorPlan(long[] offsets, long regionBytes) {
    }

    /** Computes the floor's plan of {@code encodedOps} (see {@link FloorPlan}). */
    public static FloorPlan floorPlan(long[] encodedOps, int slots) {
        checkTrace(encodedOps, slots);
        int handedOut = 0;
        for (long op : encodedOps) {
            int kind = (int) (op & 7);
            handedOut += kind >= 1 && kind <= 3 ? 1 : 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offsets = arena.allocate(JAVA_LONG, Math.max(1, handedOut));
            MemorySegment count = arena.allocate(JAVA_LONG);
            MemorySegment region = arena.allocate(JAVA_LONG);
            MAIN.check((int) MAIN.floorPlan().invokeExact(copy(encodedOps, arena), (long) encodedOps.length, slots,
                    offsets, (long) handedOut, count, region));
            return new FloorPlan(offsets.asSlice(0, (long) handedOut * Long.BYTES).toArray(JAVA_LONG),
                    region.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Checks the trace as the replay would, without running it; throws what the replay would throw. */
    public static void validate(long[] encodedOps, int slots) {
        checkTrace(encodedOps, slots);
        try (Arena arena = Arena.ofConfined()) {
            MAIN.check((int) MAIN.validate().invokeExact(copy(encodedOps, arena), (long) encodedOps.length, slots));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** One ab_replay call (validation included) over a copy of the ops made for it. */
    private static Result once(Binding binding, long[] encodedOps, int slots, Lane lane, AllocSetSizes sizes,
            int iterations, boolean latencies) {
        checkTrace(encodedOps, slots);
        checkArguments(lane, sizes, iterations);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ops = copy(encodedOps, arena);
            Outputs out = new Outputs(arena, lane, iterations, latencies ? encodedOps.length : -1, true);
            binding.check((int) binding.replay().invokeExact(ops, (long) encodedOps.length, slots, lane.code,
                    sizes.minContextSize(), sizes.initBlockSize(), sizes.maxBlockSize(), MemorySegment.NULL,
                    iterations, out.ns, out.minflt, out.stats, out.perOp, out.overhead));
            return out.result(lane);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Copies and validates the ops once into a native trace, for many replays
     * without copying or validating again (what a benchmark that times each call
     * needs). The handle lives in a shared arena until
     * {@link PreparedTrace#close()}: any thread may replay it, several at once.
     */
    public static PreparedTrace prepare(long[] encodedOps, int slots) {
        return prepare(MAIN, encodedOps, slots);
    }

    private static PreparedTrace prepare(Binding binding, long[] encodedOps, int slots) {
        checkTrace(encodedOps, slots);
        long address;
        try (Arena scratch = Arena.ofConfined()) {
            address = (long) binding.traceCreate().invokeExact(copy(encodedOps, scratch), (long) encodedOps.length,
                    slots);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (address == 0) {
            throw binding.error();
        }
        Arena arena = Arena.ofShared();
        // The arena owns the native trace: closing it frees the trace, and passing the segment as
        // ADDRESS keeps the arena open for the length of each replay.
        MemorySegment handle = MemorySegment.ofAddress(address).reinterpret(arena, h -> freeTrace(binding, h));
        return new PreparedTrace(binding, arena, handle, encodedOps.length, slots);
    }

    /** sizeof(AbContextSpec): uint32 parent, uint32 reserved, three size_t, a name pointer. */
    private static final long CONTEXT_SPEC_BYTES = 40;

    /**
     * A version 2 trace (docs/trace-format.md, "Version 2"; native ab_trace_create2) copied and validated
     * once, replayed by {@link PreparedTrace#run} and {@link PreparedTrace#time} in the AllocSet lane (a
     * real child context per {@code c}) or the malloc lane (each context emulated by its live slots); with
     * {@code threads > 1} each trace thread runs on a native thread of its own. This package sits below
     * {@code trace}, so the context table comes as arrays indexed by context id: {@code parents[id]} (-1 for
     * the root and for ids never created), {@code sizes[3 * id ..]} the min context, init block and max
     * block sizes, {@code names[id]} (null allowed). A bad trace is a {@link MemoryContextException} naming
     * the op, as for version 1. Per-op latencies are refused.
     */
    public static PreparedTrace prepareTree(long[] encodedOps, int slots, int[] placement, int threads, int[] parents,
            long[] sizes, String[] names) {
        return prepareTree(MAIN, encodedOps, slots, placement, threads, parents, sizes, names);
    }

    private static PreparedTrace prepareTree(Binding binding, long[] encodedOps, int slots, int[] placement,
            int threads, int[] parents, long[] sizes, String[] names) {
        checkTrace(encodedOps, slots);
        Objects.requireNonNull(placement, "placement");
        if (placement.length != encodedOps.length || sizes.length != 3 * parents.length
                || names.length != parents.length) {
            throw new IllegalArgumentException("placement, sizes and names must match the ops and the contexts");
        }
        long address;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment where = scratch.allocate(JAVA_INT, Math.max(1, placement.length));
            MemorySegment.copy(placement, 0, where, JAVA_INT, 0, placement.length);
            MemorySegment table = scratch.allocate(CONTEXT_SPEC_BYTES * Math.max(1, parents.length), 8);
            for (int id = 0; id < parents.length; id++) {
                long at = CONTEXT_SPEC_BYTES * id;
                table.set(JAVA_INT, at, parents[id]);
                table.set(JAVA_LONG, at + 8, sizes[3 * id]);
                table.set(JAVA_LONG, at + 16, sizes[3 * id + 1]);
                table.set(JAVA_LONG, at + 24, sizes[3 * id + 2]);
                table.set(ADDRESS, at + 32, names[id] == null ? MemorySegment.NULL : scratch.allocateFrom(names[id]));
            }
            address = (long) binding.traceCreate2().invokeExact(copy(encodedOps, scratch), where,
                    (long) encodedOps.length, slots, table, parents.length, threads);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (address == 0) {
            throw binding.error();
        }
        Arena arena = Arena.ofShared();
        MemorySegment handle = MemorySegment.ofAddress(address).reinterpret(arena, h -> freeTrace(binding, h));
        return new PreparedTrace(binding, arena, handle, encodedOps.length, slots);
    }

    private static void freeTrace(Binding binding, MemorySegment handle) {
        try {
            binding.traceFree().invokeExact(handle.address());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static void checkTrace(long[] encodedOps, int slots) {
        Objects.requireNonNull(encodedOps, "encodedOps");
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 1.." + MAX_SLOTS + ", not " + slots);
        }
    }

    private static void checkArguments(Lane lane, AllocSetSizes sizes, int iterations) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(sizes, "sizes");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
        }
    }

    private static MemorySegment copy(long[] encodedOps, Arena arena) {
        MemorySegment ops = arena.allocate(JAVA_LONG, Math.max(1, encodedOps.length));
        MemorySegment.copy(encodedOps, 0, ops, JAVA_LONG, 0, encodedOps.length);
        return ops;
    }

    /** The out-parameters of one call; NULL where not asked for. */
    private static final class Outputs {
        final MemorySegment ns;
        final MemorySegment minflt;
        final MemorySegment stats;
        final MemorySegment perOp;
        final MemorySegment overhead;
        final int nops;

        /** nops < 0: no latencies. full = false: only the per-iteration times. */
        Outputs(Arena arena, Lane lane, int iterations, int nops, boolean full) {
            this.nops = nops;
            ns = arena.allocate(JAVA_LONG, iterations);
            minflt = full ? arena.allocate(JAVA_LONG, iterations) : MemorySegment.NULL;
            stats = full && lane.hasContexts() ? arena.allocate(NativeStructs.COUNTERS) : MemorySegment.NULL;
            perOp = nops >= 0 ? arena.allocate(JAVA_LONG, Math.max(1, nops)) : MemorySegment.NULL;
            overhead = full ? arena.allocate(JAVA_LONG) : MemorySegment.NULL;
        }

        Result result(Lane lane) {
            return new Result(ns.toArray(JAVA_LONG), minflt.toArray(JAVA_LONG),
                    lane.hasContexts() ? NativeStructs.readCounters(stats, 0) : null,
                    nops >= 0 ? perOp.asSlice(0, (long) nops * Long.BYTES).toArray(JAVA_LONG) : null,
                    overhead.get(JAVA_LONG, 0));
        }
    }

    /** A trace copied into native memory and validated once, replayed any number of times. */
    public static final class PreparedTrace implements AutoCloseable {

        private final Binding binding;
        private final Arena arena;
        private final MemorySegment handle;
        private final int nops;
        private final int slots;

        private PreparedTrace(Binding binding, Arena arena, MemorySegment handle, int nops, int slots) {
            this.binding = binding;
            this.arena = arena;
            this.handle = handle;
            this.nops = nops;
            this.slots = slots;
        }

        public int length() {
            return nops;
        }

        public int slots() {
            return slots;
        }

        /**
         * Replays and returns everything measured: per-iteration times, the
         * statistics before the last delete (AllocSet lane), the timer's cost, and
         * with {@code latencies} the per-op times of the last iteration.
         */
        public Result run(Lane lane, AllocSetSizes sizes, int iterations, boolean latencies) {
            checkArguments(lane, sizes, iterations);
            try (Arena out = Arena.ofConfined()) {
                Outputs outputs = new Outputs(out, lane, iterations, latencies ? nops : -1, true);
                call(lane, sizes, iterations, outputs);
                return outputs.result(lane);
            }
        }

        /**
         * Replays and returns only the per-iteration times: no validation (done
         * once), no statistics snapshot, no latencies, no timer measurement, so a
         * caller timing the whole call (JMH) times the replay and little else.
         */
        public long[] time(Lane lane, AllocSetSizes sizes, int iterations) {
            checkArguments(lane, sizes, iterations);
            try (Arena out = Arena.ofConfined()) {
                Outputs outputs = new Outputs(out, lane, iterations, -1, false);
                call(lane, sizes, iterations, outputs);
                return outputs.ns.toArray(JAVA_LONG);
            }
        }

        private void call(Lane lane, AllocSetSizes sizes, int iterations, Outputs out) {
            int rc;
            try {
                rc = (int) binding.traceReplay().invokeExact(handle, lane.code, sizes.minContextSize(),
                        sizes.initBlockSize(), sizes.maxBlockSize(), MemorySegment.NULL, iterations, out.ns,
                        out.minflt, out.stats, out.perOp, out.overhead);
            } catch (Throwable t) {
                throw Downcalls.rethrow(t);
            }
            binding.check(rc);
        }

        /**
         * One replay through a context lane, reading a context's own counters before op {@code beforeOps[k]}
         * ({@link #length()}: at the end) of context {@code contexts[k]}, points sorted by op (native
         * ab_trace_replay2). A trace the lane cannot replay throws a {@link MemoryContextException} of kind
         * {@link MemoryContextException.Kind#NOT_APPLICABLE}.
         */
        public MemoryContextCounters[] countersAt(Lane lane, AllocSetSizes root, long[] beforeOps, int[] contexts) {
            checkArguments(lane, root, 1);
            if (!lane.hasContexts() || beforeOps.length != contexts.length) {
                throw new IllegalArgumentException("counters come from a context lane, one context per point");
            }
            int n = beforeOps.length;
            try (Arena out = Arena.ofConfined()) {
                MemorySegment points = out.allocate(16L * Math.max(1, n), 8);
                for (int k = 0; k < n; k++) {
                    points.set(JAVA_LONG, 16L * k, beforeOps[k]);
                    points.set(JAVA_INT, 16L * k + 8, contexts[k]);
                }
                MemorySegment counters = out.allocate(NativeStructs.COUNTERS.byteSize() * Math.max(1, n), 8);
                int rc;
                try {
                    rc = (int) binding.traceReplay2().invokeExact(handle, lane.code, root.minContextSize(),
                            root.initBlockSize(), root.maxBlockSize(), 1, out.allocate(JAVA_LONG), MemorySegment.NULL,
                            MemorySegment.NULL, points, (long) n, counters);
                } catch (Throwable t) {
                    throw Downcalls.rethrow(t);
                }
                binding.check(rc);
                MemoryContextCounters[] result = new MemoryContextCounters[n];
                for (int k = 0; k < n; k++) {
                    result[k] = NativeStructs.readCounters(counters, NativeStructs.COUNTERS.byteSize() * k);
                }
                return result;
            }
        }

        /** Frees the native trace; while a replay of it runs on another thread, this throws instead. */
        @Override
        public void close() {
            arena.close();
        }
    }
}
