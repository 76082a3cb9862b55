package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.pg.PgUnavailableException;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.ReplayLane;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.trace.Workload;
import org.allocbench.trace.Workloads;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks our AllocSet against the real one: every built-in pattern (and a
 * fresh context) replayed in a throwaway PostgreSQL 15 cluster through the
 * backend's own AllocSet (the allocbench_pg extension) and through our library
 * in PostgreSQL 15's layout, both whole-trace in C; the counters just before
 * the last delete must be identical. Also prints both lanes' median ns/op.
 * Exit status 0 if all are identical, 1 if any differ, 2 if PostgreSQL 15 is
 * not installed (the message says how to install it) or the arguments are bad.
 */
@Command(name = "verify-pg", mixinStandardHelpOptions = true,
        description = "Replays every built-in pattern in real PostgreSQL 15 (throwaway cluster) and in our AllocSet;"
                + " compares the memory context counters and the ns/op.")
final class VerifyPgCommand implements Callable<Integer> {

    /** Our lanes: the PostgreSQL 15 layout variant (what real PG15 must equal) or the main library (PG16+). */
    static final String OURS_PG15 = "pg15";
    static final String OURS_MAIN = "main";
    /** A trace whose end state is a fresh context: one tiny chunk, then a reset. */
    static final String FRESH = "(fresh context)";

    @Spec
    private CommandSpec spec;

    @Mixin
    private final TraceOptions patterns = TraceOptions.defaultDescribedAs("all");

    @Option(names = "--ops", defaultValue = "20000", converter = OpCount.class, description = "Operations per pattern (default: ${DEFAULT-VALUE}).")
    private int opCount;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the pattern generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--iterations", defaultValue = "11",
            description = "Replays per trace and lane, each timed; the median is reported (default: ${DEFAULT-VALUE}).")
    private int iterations;

    @Option(names = "--ours", defaultValue = OURS_PG15,
            description = OURS_PG15 + " (liballocbench-pg15.so, PostgreSQL 15's layout: must be identical) or "
                    + OURS_MAIN + " (liballocbench.so, PostgreSQL 16+'s layout: differs by design)"
                    + " (default: ${DEFAULT-VALUE}).")
    private String ours;

    @Option(names = "--context", defaultValue = "AllocSet",
            description = "The kind of context to compare: AllocSet (the counters and timings above), Generation or"
                    + " Slab (every trace replayed once through PostgreSQL 15's own contexts of that kind and through"
                    + " ours in its layout, counters compared along the way) (default: ${DEFAULT-VALUE}).")
    private String context;

    @Option(names = "--every", defaultValue = "0",
            description = "With --context Generation or Slab: compare the counters before every N-th op too"
                    + " (default: about 200 points a trace).")
    private int every;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String kind = "AllocSet".equalsIgnoreCase(context) ? "AllocSet" : VerifyPgKinds.KINDS.stream()
                .filter(k -> k.equalsIgnoreCase(context)).findFirst().orElse(null);
        if (kind == null || every < 0) {
            err.println("allocbench verify-pg: " + (kind == null ? "--context must be AllocSet, "
                    + String.join(" or ", VerifyPgKinds.KINDS) + ", not \"" + context + "\""
                    : "--every must be 0 or more, not " + every));
            return 2;
        }
        if (iterations < 1) {
            err.println("allocbench verify-pg: --iterations must be at least 1");
            return 2;
        }
        List<OpSequence> traces = new ArrayList<>();
        List<OpSequence> trees = new ArrayList<>();
        ReplayLane ourLane;
        AllocatorFactory ourTrees;
        try {
            traces.add(freshContext());
            List<Workload> named = patterns.given() ? patterns.workloads(
                    spec.commandLine().getParseResult().hasMatchedOption("--ops")) : Workloads.resolveAll(Pattern.names());
            for (Workload w : named) {
                OpSequence t = w.load(opCount, seed);
                (t.placement() == null ? traces : trees).add(t);
            }
            ourLane = ourLane(ours);
            ourTrees = Allocators.byName(ours.equals(OURS_PG15) ? "aset-pg15" : "aset-native");
        } catch (IllegalArgumentException e) {
            err.println("allocbench verify-pg: " + e.getMessage());
            return 2;
        }
        PgInstallation pg;
        try {
            pg = PgInstallation.require();
        } catch (PgUnavailableException e) {
            err.println("allocbench verify-pg: " + e.getMessage());
            return 2;
        }

        if (!kind.equals("AllocSet")) {
            List<OpSequence> all = new ArrayList<>(traces.subList(1, traces.size())); // not the fresh context
            all.addAll(trees);
            return verifyKind(pg, all, kind, stdout);
        }
        String oursLabel = "ours-" + ours;
        String pgLabel = "postgresql-15";
        List<VerifyPgTable.Row> rows = new ArrayList<>();
        List<VerifyPgTrees.Row> treeRows = new ArrayList<>();
        String server;
        int port;
        try (PgCluster cluster = PgCluster.start(pg)) {
            server = cluster.serverVersion();
            port = cluster.port();
            ReplayLane postgres = PgReplay.lane(cluster);
            // With the pg15 layout as ours, the 16+ layout runs too, trace by trace in the same loop,
            // so the three-way comparison's ratios come from one run.
            ReplayLane pg16 = ours.equals(OURS_PG15) ? ourLane(OURS_MAIN) : null;
            for (OpSequence t : traces) {
                LaneResult o = ourLane.replay(t.encoded(), t.slots(), iterations);
                LaneResult p = postgres.replay(t.encoded(), t.slots(), iterations);
                LaneResult m = pg16 == null ? null : pg16.replay(t.encoded(), t.slots(), iterations);
                rows.add(new VerifyPgTable.Row(t.name(), t.length(), o, p, m));
            }
            for (OpSequence t : trees) {
                treeRows.add(VerifyPgTrees.check(t, PgReplay.replayTree(cluster.connection(), t), ourTrees));
            }
        }

        stdout.printf("allocbench verify-pg: %d version 1 trace%s (built-ins at %,d ops, seed %d)%s, %d iterations"
                + " per version 1 trace and lane; ALLOCSET_DEFAULT_SIZES%n", traces.size() - 1,
                traces.size() == 2 ? "" : "s", opCount, seed, trees.isEmpty() ? ""
                        : ", " + trees.size() + " of version 2", iterations);
        stdout.printf("%s: %s (throwaway cluster on 127.0.0.1:%d, %s), extension allocbench_pg%n", pgLabel, server,
                port, pg.binDir());
        stdout.printf("%s: %s%n", oursLabel, describeOurs(ours));
        stdout.printf("%nMemory context counters just before the last iteration's delete"
                + " (the trace %s is one 1-byte chunk, then a reset):%n", FRESH);
        stdout.print(VerifyPgTable.counters(rows, oursLabel, pgLabel));
        if (traces.size() > 1) { // timings of the version 1 traces (the fresh context is not timed)
            stdout.printf("%nMedian ns/op and minor page faults per iteration, whole trace replayed in C by each lane"
                    + " (create, replay, delete timed; both warmed by an untimed iteration, glibc's malloc thresholds"
                    + " pinned; one run on a shared machine: read ratios, not absolutes):%n");
            stdout.print(VerifyPgTable.timings(rows.subList(1, rows.size()), oursLabel, pgLabel));
            if (ours.equals(OURS_PG15)) {
                stdout.printf("%nThe three AllocSets from this run (median ns/op; pg15-real is timed in-process in"
                        + " PostgreSQL 15's backend, the others in our C replay;"
                        + " pg16 total/used = its total/used bytes before delete over the real one's):%n");
                stdout.print(VerifyPgTable.threeWay(rows.subList(1, rows.size())));
            }
        }
        if (!trees.isEmpty()) {
            stdout.printf("%nVersion 2 traces (context trees), replayed once per op in trace order through %s"
                    + " (%s): every context's counters just before its delete and at the end, against the same"
                    + " trace replayed in PostgreSQL 15's backend, and against the counters a recorded backend"
                    + " wrote into the trace (record-pg):%n", ourTrees.name(), oursLabel);
            stdout.print(VerifyPgTrees.table(treeRows, ourTrees.name()));
        }
        long treesSame = treeRows.stream().filter(VerifyPgTrees.Row::identical).count();
        stdout.printf("%n%s%s%n", VerifyPgTable.summary(rows), trees.isEmpty() ? ""
                : "; version 2: " + treesSame + " identical, " + (treeRows.size() - treesSame) + " different");
        stdout.flush();
        return rows.stream().allMatch(VerifyPgTable.Row::identical) && treesSame == treeRows.size() ? 0 : 1;
    }

    /** --context Generation or Slab: {@link VerifyPgKinds} over every trace, in one throwaway cluster. */
    private int verifyKind(PgInstallation pg, List<OpSequence> all, String kind, PrintWriter stdout) {
        List<VerifyPgKinds.Row> rows = new ArrayList<>();
        String server;
        try (PgCluster cluster = PgCluster.start(pg)) {
            server = cluster.serverVersion();
            for (OpSequence t : all) {
                rows.add(VerifyPgKinds.check(cluster, t, kind, every > 0 ? every : Math.max(1, t.length() / 200)));
            }
        }
        stdout.printf("allocbench verify-pg --context %s: %d traces (built-ins at %,d ops, seed %d), each replayed"
                + " once through the backend's own %s contexts and once through ours in PostgreSQL 15's layout"
                + " (liballocbench-pg15.so), every context of the trace made a %s; the counters of the op's context"
                + " compared %s, before each delete and at the end%n", kind, all.size(), opCount, seed,
                kind, kind, every == 1 ? "before every op" : every > 1 ? "every " + every + " ops"
                        : "every (ops / 200) ops");
        stdout.printf("postgresql-15: %s (throwaway cluster), extension allocbench_pg%n%n", server);
        stdout.print(VerifyPgKinds.table(rows, kind));
        long same = rows.stream().filter(r -> r.identical() && r.notApplicable() == null).count();
        long notApplicable = rows.stream().filter(r -> r.notApplicable() != null).count();
        long different = rows.stream().filter(r -> !r.identical()).count();
        stdout.printf("%n%s: %d identical, %d different, %d not applicable%n", kind, same, different, notApplicable);
        stdout.flush();
        return different == 0 ? 0 : 1;
    }

    /** {@code a 0 1}, {@code R}: the context is back to its fresh state. */
    static OpSequence freshContext() {
        return new OpSequence.Builder(FRESH, 1).add(OpSequence.ALLOC, 0, 1).add(OpSequence.RESET, 0, 0).build();
    }

    /**
     * Our side of the comparison: the whole-trace C lane of the PostgreSQL 15
     * layout variant (liballocbench-pg15.so) or of the main library, each replay
     * in a fresh process warmed by an untimed iteration, as the campaigns run it
     * (so its figures agree with theirs), against a warmed backend.
     */
    static ReplayLane ourLane(String which) {
        return switch (which) {
            case OURS_PG15 -> WholeTraceRunner.lane(WholeTraceLane.ASET_PG15);
            case OURS_MAIN -> WholeTraceRunner.lane(WholeTraceLane.ASET);
            default -> throw new IllegalArgumentException("--ours must be " + OURS_PG15 + " or " + OURS_MAIN
                    + ", not \"" + which + "\"");
        };
    }

    private static String describeOurs(String which) {
        return which.equals(OURS_PG15)
                ? "liballocbench-pg15.so (PostgreSQL 15 chunk layout), whole-trace replay in C (a process per trace)"
                : "liballocbench.so (" + AllocSetNative.variant() + " layout), whole-trace replay in C (a process per"
                        + " trace)";
    }
}
