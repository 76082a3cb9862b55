package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.replay.LaneResult;
import org.junit.jupiter.api.Test;

class VerifyPgTableTest {

    /** A lane's result of one iteration of 100 ops at {@code nsPerOp}, with 7 faults. */
    private static LaneResult lane(double nsPerOp, MemoryContextCounters counters) {
        return new LaneResult(new long[] {Math.round(nsPerOp * 100)}, new long[] {7}, 100, counters);
    }


    private static final MemoryContextCounters FRESH_15 = new MemoryContextCounters(1, 0, 8192, 7928, 264);
    private static final MemoryContextCounters FRESH_16 = new MemoryContextCounters(1, 0, 8192, 7952, 240);
    private static final List<VerifyPgTable.Row> ROWS = List.of(
            new VerifyPgTable.Row("small-churn", 100, lane(10.0, FRESH_15), lane(12.5, FRESH_15)),
            new VerifyPgTable.Row("array-agg", 100, lane(4.0, FRESH_16), lane(3.0, FRESH_15)));

    @Test
    void countersTableWithVerdicts() {
        assertEquals("""
                trace              lane                  total  blocks free chunks   free bytes   used bytes  verdict
                small-churn        ours-pg15              8192       1           0         7928          264
                                   postgresql-15          8192       1           0         7928          264  identical
                array-agg          ours-pg15              8192       1           0         7952          240
                                   postgresql-15          8192       1           0         7928          264  DIFFERENT (free bytes, used bytes)
                """, VerifyPgTable.counters(ROWS, "ours-pg15", "postgresql-15"));
    }

    @Test
    void timingsTableWithRatioAndFaults() {
        assertEquals("""
                trace              ours-pg15 ns/op postgresql-15 ns/op   postgres/ours ours-pg15 faults/it postgresql-15 faults/it
                small-churn                   10.0                12.5            1.25                   7                       7
                array-agg                      4.0                 3.0            0.75                   7                       7
                """, VerifyPgTable.timings(ROWS, "ours-pg15", "postgresql-15"));
    }

    @Test
    void threeWayRatiosAgainstTheRealOne() {
        List<VerifyPgTable.Row> rows = List.of(
                new VerifyPgTable.Row("small-churn", 100, lane(10.0, FRESH_15), lane(12.5, FRESH_15),
                        lane(7.5, FRESH_16)),
                new VerifyPgTable.Row("no-pg16", 100, lane(1.0, FRESH_15), lane(1.0, FRESH_15)));
        assertEquals("""
                trace               pg15-real  aset-pg15  aset-pg16  pg15/real  pg16/real   pg16 total    pg16 used
                small-churn              12.5       10.0        7.5       0.80       0.60        1.000        0.909
                """, VerifyPgTable.threeWay(rows));
    }

    @Test
    void differingFieldsAndSummary() {
        assertEquals(List.of(), VerifyPgTable.differingFields(FRESH_15, FRESH_15));
        assertEquals(List.of("total", "blocks", "free chunks", "free bytes", "used bytes"),
                VerifyPgTable.differingFields(FRESH_15, new MemoryContextCounters(2, 1, 1, 1, 1)));
        assertEquals("1 identical, 1 different", VerifyPgTable.summary(ROWS));
    }
}
