package org.allocbench.replay;

import java.util.Arrays;
import java.util.List;
import org.allocbench.alloc.MallocFamilyAllocator.Library;
import org.allocbench.alloc.NativePeers;
import org.allocbench.trace.OpSequence;

/**
 * The whole-trace C lanes: each allocator replaying whole traces in C, with no
 * FFM call per op, in a process of its own ({@link WholeTraceRunner}). These
 * are the suite's allocator comparison; each lane's per-op counterpart
 * ({@link #perOpName()}) is the same allocator called from Java, and the
 * difference of the two is the binding's price for that allocator.
 *
 * <p>The malloc peers are preloaded into the runner ({@code LD_PRELOAD}), as
 * they are deployed, so the loop's {@code malloc} is theirs; mimalloc's heap
 * API is loaded by the runner. The floor ({@value #FLOOR_NAME}) is the same
 * loop with no allocator at all (see {@code ab_floor_plan}).
 */
public enum WholeTraceLane {

    ASET("aset-c", "aset-native", "liballocbench.so", "aset", null,
            "our AllocSet (PostgreSQL 16+ layout) in C"),
    ASET_PG15("aset-pg15-c", "aset-pg15", "liballocbench-pg15.so", "aset", null,
            "our AllocSet in PostgreSQL 15's layout in C"),
    GLIBC("glibc-c", "glibc", "liballocbench.so", "malloc", Library.GLIBC, "glibc's malloc"),
    JEMALLOC("jemalloc-c", "jemalloc", "liballocbench.so", "malloc", Library.JEMALLOC, "jemalloc, preloaded"),
    MIMALLOC("mimalloc-c", "mimalloc", "liballocbench.so", "malloc", Library.MIMALLOC, "mimalloc, preloaded"),
    MIMALLOC_HEAP("mimalloc-heap-c", "mimalloc-heap", "liballocbench.so", "mimalloc-heap", Library.MIMALLOC,
            "mimalloc's heap API (one heap, reset in bulk; other contexts by their live slots)"),
    TCMALLOC("tcmalloc-c", "tcmalloc", "liballocbench.so", "malloc", Library.TCMALLOC, "tcmalloc, preloaded"),
    FLOOR("floor-c", "floor", "liballocbench.so", "floor", null,
            "the floor: the C loop over planned memory, no allocator"),
    /*
     * PostgreSQL's other context kinds (allocbench fit): not in all(), so the campaigns' lanes stay what they
     * were; a trace the kind cannot replay is a NotApplicable, said by the runner before it runs anything.
     */
    GENERATION("generation-c", "generation", "liballocbench.so", "generation", null,
            "our Generation context (PostgreSQL 17) in C"),
    SLAB("slab-c", "slab", "liballocbench.so", "slab", null,
            "our Slab context (PostgreSQL 16+; one chunk size per context) in C"),
    BUMP("bump-c", "bump", "liballocbench.so", "bump", null,
            "our Bump context (PostgreSQL 17; no pfree, no repalloc) in C");

    /** The context kinds besides AllocSet, in the order fit lists them. */
    public static final List<WholeTraceLane> OTHER_CONTEXT_KINDS = List.of(GENERATION, SLAB, BUMP);

    /** The C floor's name in results. */
    public static final String FLOOR_NAME = "floor-c";

    private final String laneName;
    private final String perOpName;
    private final String library;
    private final String runnerLane;
    private final Library peer;
    private final String description;

    WholeTraceLane(String laneName, String perOpName, String library, String runnerLane, Library peer,
            String description) {
        this.laneName = laneName;
        this.perOpName = perOpName;
        this.library = library;
        this.runnerLane = runnerLane;
        this.peer = peer;
        this.description = description;
    }

    /** The lane's name in results, e.g. {@code jemalloc-c}. */
    public String laneName() {
        return laneName;
    }

    /** The per-op lane of the same allocator, e.g. {@code jemalloc}. */
    public String perOpName() {
        return perOpName;
    }

    /** Which bundled library the runner loads (its replay loop, and its AllocSet for the aset lanes). */
    String library() {
        return library;
    }

    /** The runner's lane argument. */
    String runnerLane() {
        return runnerLane;
    }

    /** The library to preload into the runner, or null (glibc's own, the aset lanes, mimalloc's heap API, the floor). */
    String preload() {
        return runnerLane.equals("malloc") && peer != null && peer != Library.GLIBC ? peer.library() : null;
    }

    public String description() {
        return description;
    }

    /** Why the lane cannot run here (what to install), or null if it can. */
    public String unavailableReason() {
        return peer == null ? null : NativePeers.notInstalledReason(peer);
    }

    /**
     * Why this lane cannot replay {@code ops} by design (a not-run cell's reason), or null if it can: mimalloc's
     * heaps belong to the thread that made them, so the heap lane takes traces of one thread only (the runner
     * would refuse the others, and with them every other trace of its process).
     */
    public String cannotReplay(OpSequence ops) {
        return cannotReplay(ops, 1);
    }

    /**
     * As {@link #cannotReplay(OpSequence)} with {@code replayThreads} copies of the trace replayed at once (the
     * scale campaign): a trace with threads of its own replays on those only.
     */
    public String cannotReplay(OpSequence ops, int replayThreads) {
        int threads = ops.placement() == null ? 1 : ops.placement().threads();
        if (this == MIMALLOC_HEAP && threads > 1) {
            return "a mimalloc heap belongs to the thread that made it, and trace " + ops.name() + " has " + threads
                    + " threads";
        }
        if (threads > 1 && replayThreads > 1) {
            return "trace " + ops.name() + " has " + threads + " threads of its own; thread scaling replays copies"
                    + " of one-thread traces";
        }
        return null;
    }

    /** Every lane of the campaigns, in the order tables list them (the other context kinds are fit's). */
    public static List<WholeTraceLane> all() {
        return Arrays.stream(values()).filter(l -> !OTHER_CONTEXT_KINDS.contains(l)).toList();
    }

    /** The lane called {@code name} ({@code aset-c}, ...); an unknown name lists the known ones. */
    public static WholeTraceLane byName(String name) {
        return Arrays.stream(values()).filter(l -> l.laneName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown whole-trace lane \"" + name + "\"; known: "
                        + String.join(", ", Arrays.stream(values()).map(WholeTraceLane::laneName).toList())));
    }

    /** The C lane of a per-op allocator, if it has one. */
    public static java.util.Optional<WholeTraceLane> ofPerOp(String perOpName) {
        return Arrays.stream(values()).filter(l -> l.perOpName.equals(perOpName)).findFirst();
    }
}
