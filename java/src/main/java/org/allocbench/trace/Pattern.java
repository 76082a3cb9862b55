package org.allocbench.trace;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The workload patterns of a database's life, each a generator of an
 * {@link OpSequence}: deterministic by seed, exactly the requested number of
 * ops, every op valid under the trace format (no allocation into a full
 * slot, no resize or free of an empty one, sizes 1..MaxAllocSize). A
 * sequence is cut at the requested count, possibly mid-batch: a prefix of a
 * valid trace is valid. Each pattern's class comment says what it models;
 * {@link #description()} says it in one line.
 */
public enum Pattern {

    /** Random alloc/free of 8..128-byte chunks, about 1000 live. */
    SMALL_CHURN("small-churn",
            "8..128-byte chunks allocated and freed at random over 2000 slots, ~1000 live",
            SmallChurn::generate),

    /** An executor's per-batch context: tuples, a growing aggregate, detoasted values, a reset per batch. */
    PER_TUPLE_BATCHES("per-tuple-batches",
            "batches of 64 tuples (8 chunks of 8..1024 B, half freed), a doubling buffer, 12..64 KiB values; reset per batch",
            PerTupleBatches::generate),

    /** Random alloc/free of log-uniform 8..8192-byte chunks, about 1000 live. */
    LOGRAND("logrand",
            "log-uniform 8..8192-byte chunks allocated and freed at random over 2000 slots, ~1000 live",
            LogRandom::generate),

    /** The per-tuple context: small allocations never freed, then a reset. */
    PER_TUPLE_RESET("per-tuple-reset",
            "batches of 16..256 small allocations (log-uniform 8..256 B), none freed, each batch ended by a reset",
            PerTupleReset::generate),

    /** array_agg's state: one buffer doubled by realloc, element copies in between, a reset per group. */
    ARRAY_AGG("array-agg",
            "one buffer doubled by realloc from 256 B to 1 KiB..4 MiB, 4..32 element copies between doublings; reset per group",
            ArrayAgg::generate),

    /** A fifth of the allocations above the chunk limit, up to 4 MiB, random frees, at most 64 MiB live. */
    LARGE_CHUNKS("large-chunks",
            "1 in 5 allocations above the 8192-byte chunk limit (up to 4 MiB), random frees, at most 64 MiB live",
            LargeChunks::generate),

    /** A session's catalog cache: many small long-lived entries, rare frees, bounded by a reset. */
    CATCACHE("catcache",
            "32..1024-byte cache entries that stay (1 op in 32 frees one, its slot reused); reset at 16384 live",
            CatCache::generate),

    /** A sort: a run of tuples allocated, then freed in key order. */
    SORT_TUPLES("sort-tuples",
            "runs of 256..4096 tuples (16..2048 B) allocated, then freed in key order (a random permutation)",
            SortTuples::generate),

    /** A queue: a window allocated, then freed oldest first. */
    FIFO("fifo",
            "windows of 16..2048 chunks (8..1024 B) allocated, then freed oldest first",
            WindowQueue::fifo),

    /** A stack: a window allocated, then freed newest first. */
    LIFO("lifo",
            "windows of 16..2048 chunks (8..1024 B) allocated, then freed newest first",
            WindowQueue::lifo),

    /** glibc's bench-malloc-simple (mimalloc-bench): same-size batches, freed alternately FIFO and LIFO. */
    GLIBC_SIMPLE("glibc-simple",
            "mimalloc-bench glibc-simple: batches of 25..1600 chunks of 16/32/64 B, freed alternately FIFO and LIFO",
            GlibcSimple::generate),

    /** ithare's alloc-test (mimalloc-bench): Pareto-like sizes up to 1 KiB in 80/20-hot slots. */
    ALLOC_TEST("alloc-test",
            "mimalloc-bench alloc-test: Pareto-like sizes 5..1024 B, slots picked by an 80/20 rule, freed if full",
            AllocTest::generate),

    /** mimalloc-bench's malloc-large: 5..25 MiB buffers replaced at random, at most 20 live. */
    MALLOC_LARGE("malloc-large",
            "mimalloc-bench malloc-large: one of 20 buffers replaced by a new 5..25 MiB one (up to ~500 MiB live)",
            MallocLarge::generate),

    /** Logical decoding's reorder buffer: one size, FIFO within interleaved transactions (Slab's and Generation's case). */
    CHANGE_QUEUE("change-queue",
            "104-byte change records of up to 8 interleaved transactions, each freed oldest first when it ends",
            ChangeQueue::generate);

    /** Generates a pattern's ops. */
    @FunctionalInterface
    interface Generator {
        OpSequence generate(int ops, long seed);
    }

    private final String patternName;
    private final String description;
    private final Generator generator;

    Pattern(String patternName, String description, Generator generator) {
        this.patternName = patternName;
        this.description = description;
        this.generator = generator;
    }

    /** The name used on the command line, in benchmarks and as the trace's name, e.g. {@code small-churn}. */
    public String patternName() {
        return patternName;
    }

    /** What the pattern does, in one line. */
    public String description() {
        return description;
    }

    /**
     * Exactly {@code ops} ops of this pattern, the same for the same seed.
     *
     * @throws IllegalArgumentException if {@code ops} is negative
     */
    public OpSequence generate(int ops, long seed) {
        if (ops < 0) {
            throw new IllegalArgumentException("ops must be at least 0, not " + ops);
        }
        OpSequence sequence = generator.generate(ops, seed);
        if (sequence.length() != ops) {
            throw new IllegalStateException(patternName + " generated " + sequence.length() + " ops, not " + ops);
        }
        return sequence;
    }

    /**
     * The pattern of a name (as {@link #patternName()}; the constant's name, any case, works too).
     *
     * @throws IllegalArgumentException naming the known patterns if there is none
     */
    public static Pattern byName(String name) {
        for (Pattern p : values()) {
            if (p.patternName.equals(name) || p.name().equals(name.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pattern \"" + name + "\"; known: " + String.join(", ", names()));
    }

    /** Every pattern's name, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Pattern::patternName).toList();
    }

    @Override
    public String toString() {
        return patternName;
    }
}
