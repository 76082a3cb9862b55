package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.pg.ReplayLane;
import org.allocbench.trace.OpSequence;

/**
 * The quick run's second table: the same trace replayed whole, with no FFM
 * call per op, by our AllocSet in both layouts (one downcall, C) and by real
 * PostgreSQL 15's AllocSet inside a backend of a throwaway cluster
 * ({@code pg15-real}, where PostgreSQL 15 is installed). These lanes are timed
 * where they run (C, or in-process in PostgreSQL), so they are compared with
 * each other, never ranked with the per-op table above them.
 */
final class WholeTraceLanes {

    private record Lane(String name, String where, ReplayLane replay) {
    }

    private WholeTraceLanes() {
    }

    /** Runs the lanes (warm-up replays first, then {@code iterations} timed) and prints the table. */
    static void run(PrintWriter out, OpSequence ops, int warmup, int iterations, boolean withPostgres) {
        List<Lane> lanes = new ArrayList<>();
        lanes.add(new Lane("aset C", "liballocbench.so (PostgreSQL 16+ layout), one downcall",
                VerifyPgCommand.ourLane(VerifyPgCommand.OURS_MAIN)));
        lanes.add(new Lane("aset-pg15 C", "liballocbench-pg15.so (PostgreSQL 15 layout), one downcall",
                VerifyPgCommand.ourLane(VerifyPgCommand.OURS_PG15)));
        String pgMissing = withPostgres ? PgInstallation.unavailableReason() : "skipped (--no-postgres)";
        PgCluster cluster = null;
        try {
            if (pgMissing == null) {
                System.err.print("starting a throwaway PostgreSQL 15 cluster for the pg15-real lane ...");
                try {
                    cluster = PgCluster.start(PgInstallation.require());
                } catch (RuntimeException e) {
                    // the run's other results stand; say why this lane is missing
                    pgMissing = "could not start a throwaway PostgreSQL 15 cluster: " + String.valueOf(e.getMessage()).lines()
                            .findFirst().orElse(e.toString());
                }
                System.err.print("\r\033[K");
            }
            if (cluster != null) {
                lanes.add(new Lane("pg15-real", cluster.serverVersion().replaceAll(" \\(.*", "")
                        + "'s own AllocSet, timed in-process in a backend", PgReplay.lane(cluster)));
            }
            print(out, ops, lanes, measure(ops, lanes, warmup, iterations), pgMissing);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static double[] measure(OpSequence ops, List<Lane> lanes, int warmup, int iterations) {
        double[] ns = new double[lanes.size()];
        for (int i = 0; i < lanes.size(); i++) {
            ReplayLane lane = lanes.get(i).replay();
            if (warmup > 0) {
                lane.replay(ops.encoded(), ops.slots(), warmup);
            }
            ns[i] = lane.replay(ops.encoded(), ops.slots(), iterations).medianNsPerOp();
        }
        return ns;
    }

    private static void print(PrintWriter out, OpSequence ops, List<Lane> lanes, double[] ns, String pgMissing) {
        out.printf("%nWhole-trace lanes (no FFM call per op; timed where they run, so compare them with each other):%n");
        out.printf("%-12s %12s %8s  %s%n", "lane", "median ns/op", "vs C", "what");
        for (int i = 0; i < lanes.size(); i++) {
            out.printf(Locale.ROOT, "%-12s %12.1f %8.2f  %s%n", lanes.get(i).name(), ns[i], ns[i] / ns[0],
                    lanes.get(i).where());
        }
        if (pgMissing != null) {
            out.printf("not run: pg15-real (%s)%n", pgMissing);
        }
    }
}
