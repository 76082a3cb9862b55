package org.allocbench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.replay.LaneResult;

/**
 * The tables of {@code allocbench verify-pg}: counters ours vs PostgreSQL's per
 * trace with a verdict, and the median ns/op of both. Pure formatting.
 */
final class VerifyPgTable {

    static final String IDENTICAL = "identical";
    static final String DIFFERENT = "DIFFERENT";

    /** One trace replayed by both lanes, and by the PostgreSQL 16+ layout ({@code pg16}, null if not run). */
    record Row(String trace, int ops, LaneResult ours, LaneResult postgres, LaneResult pg16) {

        Row(String trace, int ops, LaneResult ours, LaneResult postgres) {
            this(trace, ops, ours, postgres, null);
        }

        boolean identical() {
            return ours.counters().equals(postgres.counters());
        }
    }

    private VerifyPgTable() {
    }

    /** The counters that differ, by column name; empty if none. */
    static List<String> differingFields(MemoryContextCounters ours, MemoryContextCounters postgres) {
        List<String> fields = new ArrayList<>();
        if (ours.totalBytes() != postgres.totalBytes()) {
            fields.add("total");
        }
        if (ours.blocks() != postgres.blocks()) {
            fields.add("blocks");
        }
        if (ours.freeChunks() != postgres.freeChunks()) {
            fields.add("free chunks");
        }
        if (ours.freeBytes() != postgres.freeBytes()) {
            fields.add("free bytes");
        }
        if (ours.usedBytes() != postgres.usedBytes()) {
            fields.add("used bytes");
        }
        return fields;
    }

    /** Two lines per trace, ours then PostgreSQL's; the verdict on the second. */
    static String counters(List<Row> rows, String oursLabel, String postgresLabel) {
        StringBuilder out = new StringBuilder();
        String format = "%-18s %-14s %12s %7s %11s %12s %12s  %s%n";
        out.append(String.format(Locale.ROOT, format, "trace", "lane", "total", "blocks", "free chunks",
                "free bytes", "used bytes", "verdict").stripTrailing()).append('\n');
        for (Row r : rows) {
            out.append(line(format, r.trace(), oursLabel, r.ours().counters(), ""));
            List<String> differing = differingFields(r.ours().counters(), r.postgres().counters());
            String verdict = differing.isEmpty() ? IDENTICAL : DIFFERENT + " (" + String.join(", ", differing) + ")";
            out.append(line(format, "", postgresLabel, r.postgres().counters(), verdict));
        }
        return out.toString();
    }

    private static String line(String format, String trace, String lane, MemoryContextCounters c, String verdict) {
        return String.format(Locale.ROOT, format, trace, lane, c.totalBytes(), c.blocks(), c.freeChunks(),
                c.freeBytes(), c.usedBytes(), verdict).stripTrailing() + "\n";
    }

    /**
     * Median ns/op of both lanes and their ratio, and the median minor page
     * faults per iteration of each, one line per trace.
     */
    static String timings(List<Row> rows, String oursLabel, String postgresLabel) {
        StringBuilder out = new StringBuilder();
        String ours = oursLabel + " ns/op";
        String pg = postgresLabel + " ns/op";
        String oursFaults = oursLabel + " faults/it";
        String pgFaults = postgresLabel + " faults/it";
        int w1 = Math.max(10, ours.length());
        int w2 = Math.max(10, pg.length());
        int w3 = Math.max(10, oursFaults.length());
        int w4 = Math.max(10, pgFaults.length());
        String head = "%-18s %" + w1 + "s %" + w2 + "s %15s %" + w3 + "s %" + w4 + "s%n";
        String body = "%-18s %" + w1 + ".1f %" + w2 + ".1f %15.2f %" + w3 + "s %" + w4 + "s%n";
        out.append(String.format(Locale.ROOT, head, "trace", ours, pg, "postgres/ours", oursFaults, pgFaults));
        for (Row r : rows) {
            double o = r.ours().medianNsPerOp();
            double p = r.postgres().medianNsPerOp();
            out.append(String.format(Locale.ROOT, body, r.trace(), o, p, p / o, faults(r.ours()),
                    faults(r.postgres())));
        }
        return out.toString();
    }

    private static String faults(LaneResult r) {
        double f = r.medianMinorFaults();
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.0f", f);
    }

    /**
     * The three AllocSets side by side from the same run: real PostgreSQL 15,
     * ours in its layout, ours in PostgreSQL 16+'s; time, total bytes held and
     * used bytes of pg16 as ratios to the real one. Rows without a pg16 result
     * are left out.
     */
    static String threeWay(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        String head = "%-18s %10s %10s %10s %10s %10s %12s %12s%n";
        String body = "%-18s %10.1f %10.1f %10.1f %10.2f %10.2f %12.3f %12.3f%n";
        out.append(String.format(Locale.ROOT, head, "trace", "pg15-real", "aset-pg15", "aset-pg16",
                "pg15/real", "pg16/real", "pg16 total", "pg16 used"));
        for (Row r : rows) {
            if (r.pg16() == null) {
                continue;
            }
            double real = r.postgres().medianNsPerOp();
            out.append(String.format(Locale.ROOT, body, r.trace(), real, r.ours().medianNsPerOp(),
                    r.pg16().medianNsPerOp(), r.ours().medianNsPerOp() / real, r.pg16().medianNsPerOp() / real,
                    (double) r.pg16().counters().totalBytes() / r.postgres().counters().totalBytes(),
                    (double) r.pg16().counters().usedBytes() / r.postgres().counters().usedBytes()));
        }
        return out.toString();
    }

    /** The closing line: how many identical, how many different. */
    static String summary(List<Row> rows) {
        long same = rows.stream().filter(Row::identical).count();
        return same + " identical, " + (rows.size() - same) + " different";
    }
}
