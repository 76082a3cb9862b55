package org.allocbench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.allocbench.campaign.HugePagesCampaign.Row;
import org.allocbench.campaign.HugePagesCampaign.Score;
import org.junit.jupiter.api.Test;

/** The huge-pages campaign's table: columns, ratios to 4k of the same kind, missing values; a failed cell's reason. */
class HugePagesTableTest {

    private static Score s(double value, double error) {
        return new Score(value, error);
    }

    @Test
    void ratiosAreAgainstFourKiBPagesOfTheSameKind() {
        List<Row> rows = List.of(
                new Row("anonymous", "4k", 262144, s(900.0, 120.5), s(240.0, 10.0), s(10.0, 0.5)),
                new Row("anonymous", "2m", 512, s(112.5, 12.25), s(180.0, 9.0), s(10.5, 0.25)),
                new Row("sysv", "4k", 262144, s(450.0, 50.0), s(200.0, 5.0), s(12.0, 1.0)),
                new Row("sysv", "1g", 1, s(90.0, 1.0), s(150.0, 2.0), s(12.6, 0.1)));
        assertEquals(List.of(
                "kind       mapping  faults/GiB     first touch ms  vs 4k     random ns/load  vs 4k       replay ns/op  vs 4k",
                "anonymous  4k          262,144     900.0 +- 120.5   1.00      240.0 +- 10.0   1.00        10.0 +- 0.5   1.00",
                "anonymous  2m              512      112.5 +- 12.3   0.13       180.0 +- 9.0   0.75        10.5 +- 0.3   1.05",
                "sysv       4k          262,144      450.0 +- 50.0   1.00       200.0 +- 5.0   1.00        12.0 +- 1.0   1.00",
                "sysv       1g                1        90.0 +- 1.0   0.20       150.0 +- 2.0   0.75        12.6 +- 0.1   1.05"),
                HugePagesTable.lines(rows));
    }

    @Test
    void missingValuesAndBaselinesPrintAsDashes() {
        List<Row> rows = List.of(
                new Row("sysv", "2m", Double.NaN, Score.NONE, s(180.0, Double.NaN), s(10.0, 1.0)),
                new Row("anonymous", "4k", 262144, s(900.0, Double.NaN), Score.NONE, s(8.0, 1.0)),
                new Row("posix", "4k", Double.NaN, Score.NONE, Score.NONE, Score.NONE));
        assertEquals(List.of(
                "kind       mapping  faults/GiB     first touch ms  vs 4k     random ns/load  vs 4k       replay ns/op  vs 4k",
                // no sysv 4k in the run: against anonymous 4k, where that has a value
                "sysv       2m                -                  -      -              180.0      -        10.0 +- 1.0   1.25",
                "anonymous  4k          262,144              900.0   1.00                  -      -         8.0 +- 1.0   1.00",
                "posix      4k                -                  -      -                  -      -                  -      -"),
                HugePagesTable.lines(rows));
    }

    @Test
    void cellsRatiosAndDurations() {
        assertEquals("958.3 +- 671.9", HugePagesTable.cell(s(958.25, 671.94)));
        assertEquals("958.3", HugePagesTable.cell(s(958.25, Double.NaN)));
        assertEquals("-", HugePagesTable.cell(Score.NONE));
        assertEquals("0.50", HugePagesTable.ratio(s(5, 1), s(10, 1)));
        assertEquals("-", HugePagesTable.ratio(s(5, 1), s(0, 0)));
        assertEquals("-", HugePagesTable.ratio(s(5, 1), null));
        assertEquals("59 s", HugePagesTable.elapsed(Duration.ofMillis(59_900)));
        assertEquals("2 min 05 s", HugePagesTable.elapsed(Duration.ofSeconds(125)));
    }

    @Test
    void aFailedCellsReasonIsTheFirstExceptionLineOfTheJmhLog() {
        String log = """
                # Warmup Iteration   1: <failure>

                java.lang.IllegalStateException: mapping 2m needs 512 free huge pages of 2048 kB
                \tat org.allocbench.bench.HugePagesBenchmark.open(HugePagesBenchmark.java:198)
                Caused by: java.io.IOException: later
                """;
        assertEquals(Optional.of("IllegalStateException: mapping 2m needs 512 free huge pages of 2048 kB"),
                HugePagesCampaign.firstException(log));
        assertEquals(Optional.empty(), HugePagesCampaign.firstException("# Run complete.\n"));
    }
}
