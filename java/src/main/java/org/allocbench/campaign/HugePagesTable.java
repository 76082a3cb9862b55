package org.allocbench.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.allocbench.campaign.HugePagesCampaign.Row;
import org.allocbench.campaign.HugePagesCampaign.Score;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;

/** The huge-pages campaign's table: one line per (kind, mapping), ratios to 4 KiB pages of the same kind. */
public final class HugePagesTable {

    private static final String LAYOUT = "%-10s %-8s %10s  %17s %6s  %17s %6s  %17s %6s";

    private HugePagesTable() {
    }

    /** The table: header, then one line per row, ratios against 4k of the same kind (else anonymous 4k). */
    public static List<String> lines(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, LAYOUT, "kind", "mapping", "faults/GiB", "first touch ms", "vs 4k",
                "random ns/load", "vs 4k", "replay ns/op", "vs 4k"));
        for (Row r : rows) {
            Row base = baseline(rows, r.kind());
            lines.add(String.format(Locale.ROOT, LAYOUT, r.kind(), r.mapping(),
                    Double.isNaN(r.faultsPerGiB()) ? "-" : String.format(Locale.ROOT, "%,.0f", r.faultsPerGiB()),
                    cell(r.firstTouchMs()), ratio(r.firstTouchMs(), base == null ? null : base.firstTouchMs()),
                    cell(r.randomNs()), ratio(r.randomNs(), base == null ? null : base.randomNs()),
                    cell(r.replayNs()), ratio(r.replayNs(), base == null ? null : base.replayNs())));
        }
        return lines;
    }

    private static Row baseline(List<Row> rows, String kind) {
        Row anonymous = null;
        for (Row r : rows) {
            if (r.mapping().equals(PageMapping.SMALL.label())) {
                if (r.kind().equals(kind)) {
                    return r;
                }
                if (r.kind().equals(SegmentKind.ANONYMOUS.label())) {
                    anonymous = r;
                }
            }
        }
        return anonymous;
    }

    /** "958.3 +- 671.9", "958.3" without an error, "-" without a value. */
    static String cell(Score s) {
        if (Double.isNaN(s.value())) {
            return "-";
        }
        return Double.isNaN(s.error()) ? String.format(Locale.ROOT, "%.1f", s.value())
                : String.format(Locale.ROOT, "%.1f +- %.1f", s.value(), s.error());
    }

    /** value / base with two decimals, "-" if either is missing. */
    static String ratio(Score value, Score base) {
        if (base == null || Double.isNaN(value.value()) || Double.isNaN(base.value()) || base.value() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", value.value() / base.value());
    }

    /** "59 s", "2 min 05 s": how long the campaign took. */
    public static String elapsed(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
