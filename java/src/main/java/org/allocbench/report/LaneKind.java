package org.allocbench.report;

import org.allocbench.alloc.Allocators;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.report.BarCharts.Group;
import org.allocbench.results.Cell;
import org.allocbench.stats.Ranking;

/**
 * What a timed cell measures, which decides where it stands in a time table
 * and what it may be compared with: a whole-trace lane in C (the allocator
 * comparison), real PostgreSQL, a floor of either view, a per-op lane from
 * Java, or an allocator that skips frees (less work, never ranked). The
 * constants are in the order the tables show them.
 */
enum LaneKind {
    WHOLE("whole-trace", "whole"), PG_REAL("PostgreSQL 15", "whole"), WHOLE_FLOOR("floor", "floor"),
    PER_OP("per-op", "per-op"), SKIPS_FREES("skips frees", "skips"), FLOOR("floor", "floor");

    /** The allocator every per-op ratio is to. */
    static final String REFERENCE = Ranking.View.PER_OP.reference();
    /** The whole-trace lane every whole-trace ratio is to. */
    static final String WHOLE_TRACE_REFERENCE = Ranking.View.WHOLE_TRACE.reference();
    /** aset-native with its blocks on a shared memory segment: SEGMENT_PREFIX + page mode. */
    static final String SEGMENT_PREFIX = PerOpLanes.SEGMENT_PREFIX;
    private static final String PG15_REAL = "pg15-real";

    /** The bar charts' series: which colour a bar is drawn in. */
    static final Group PER_OP_GROUP = new Group("per-op replay", ChartStyle.PER_OP);
    static final Group REFERENCE_GROUP = new Group("aset-native (reference)", ChartStyle.REFERENCE);
    static final Group SEGMENT_GROUP = new Group("aset-native, blocks on a segment", ChartStyle.SEGMENT);
    static final Group WHOLE_GROUP = new Group("whole-trace lane", ChartStyle.WHOLE_TRACE);
    static final Group FLOOR_GROUP = new Group("harness floor", ChartStyle.FLOOR);

    /** The name the tables show. */
    final String label;
    /** The CSS class of its tag and rows. */
    final String tag;

    LaneKind(String label, String tag) {
        this.label = label;
        this.tag = tag;
    }

    static LaneKind of(Cell c) {
        return switch (c.metric()) {
            case Cell.FLOOR -> FLOOR;
            case Cell.WHOLE_TRACE_FLOOR -> WHOLE_FLOOR;
            case Cell.WHOLE_TRACE -> c.allocator().equals(PG15_REAL) ? PG_REAL : WHOLE;
            default -> Allocators.skipsFrees(c.allocator()) ? SKIPS_FREES : PER_OP;
        };
    }

    /** A timed cell: per-op, whole-trace and floor metrics in ns/op. */
    static boolean timed(Cell c) {
        return Cell.REPLAY.equals(c.metric()) || Cell.FLOOR.equals(c.metric()) || Cell.WHOLE_TRACE.equals(c.metric())
                || Cell.WHOLE_TRACE_FLOOR.equals(c.metric());
    }

    static boolean onSegment(Cell c) {
        return c.allocator().startsWith(SEGMENT_PREFIX);
    }

    /** The series a timed cell's bar is drawn in. */
    static Group chartGroup(Cell c) {
        return switch (of(c)) {
            case FLOOR, WHOLE_FLOOR -> FLOOR_GROUP;
            case WHOLE, PG_REAL -> WHOLE_GROUP;
            case PER_OP, SKIPS_FREES -> REFERENCE.equals(c.allocator()) ? REFERENCE_GROUP
                    : onSegment(c) ? SEGMENT_GROUP : PER_OP_GROUP;
        };
    }
}
