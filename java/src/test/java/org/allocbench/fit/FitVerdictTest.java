package org.allocbench.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.junit.jupiter.api.Test;

/**
 * The verdict rules of {@code allocbench fit} on synthetic cells: a kind beats AllocSet only when its time ratio
 * times its peak ratio is at most 0.9; the line names the winner with its ratios, the kinds that could not
 * replay the trace and the fastest malloc peer; no AllocSet, no verdict; a peak below 64 KiB counts as 64 KiB.
 */
class FitVerdictTest {

    private static final String TRACE = "some-trace";

    /** An ok fit cell: median ns/op and peak bytes (the other stats as fit records them). */
    private static Cell ok(String lane, double nsPerOp, long peakBytes) {
        return new Cell(lane, TRACE, ContextFit.METRIC, Cell.NS_PER_OP, Cell.OK, null, List.of(nsPerOp),
                List.of(0), nsPerOp, null, null, Map.of(ContextFit.PEAK, peakBytes, ContextFit.RETAINED, 0L,
                        ContextFit.PEAK_LIVE, 100_000L), List.of(), List.of(0L));
    }

    private static Cell notRun(String lane, String reason) {
        return Cell.notRun(lane, TRACE, ContextFit.METRIC, Cell.NOT_RUN, reason);
    }

    @Test
    void allocSetStaysWhenNoKindScoresAtMostPointNine() {
        // Generation: 0.8 x time but 1.2 x peak = 0.96; Bump: 1.0 x time, 0.95 x peak = 0.95: neither <= 0.9
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 1_000_000), ok("generation-c", 8.0, 1_200_000),
                ok("bump-c", 10.0, 950_000)));
        assertEquals("aset-c", v.best());
        assertEquals(1.0, v.timeRatio(), 1e-9);
        assertEquals(1.0, v.peakRatio(), 1e-9);
        assertEquals("AllocSet fits: no other kind beats it by 10% on time x peak", v.line());
    }

    @Test
    void aScoreOfExactlyPointNineIsEnough() {
        // 0.9 x time, same peak: 0.9, the margin itself
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 1_000_000), ok("generation-c", 9.0, 1_000_000)));
        assertEquals("generation-c", v.best());
    }

    @Test
    void theKindWithTheLowestScoreWinsWithItsRatiosInTheLine() {
        // Generation 0.5 x 1.5 = 0.75; Bump 0.6 x 0.5 = 0.30: Bump wins
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 20.0, 2_000_000), ok("generation-c", 10.0, 3_000_000),
                ok("bump-c", 12.0, 1_000_000)));
        assertEquals("bump-c", v.best());
        assertEquals(0.6, v.timeRatio(), 1e-9);
        assertEquals(0.5, v.peakRatio(), 1e-9);
        assertEquals("Bump fits better: 0.60x AllocSet's time, 0.50x its peak", v.line());
    }

    @Test
    void kindsThatDidNotRunAreListedAsNotApplicable() {
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 1_000_000), ok("generation-c", 10.0, 1_000_000),
                notRun("slab-c", "not applicable to Slab: op 1 asks for 24 bytes ..."),
                notRun("bump-c", "not applicable to Bump: op 3 frees a chunk ...")));
        assertEquals("aset-c", v.best());
        assertEquals("AllocSet fits: no other kind beats it by 10% on time x peak; not applicable: Slab, Bump",
                v.line());
    }

    @Test
    void theFastestMallocPeerIsNamedForScale() {
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 1_000_000), ok("glibc-c", 25.0, 900_000),
                ok("mimalloc-c", 15.0, 900_000), notRun("jemalloc-c", "libjemalloc.so.2 not found"),
                ok("tcmalloc-c", 17.5, 900_000)));
        assertEquals("aset-c", v.best(), "a malloc peer is never the verdict");
        assertTrue(v.line().endsWith("; fastest malloc: mimalloc-c at 1.50x"), v.line());
    }

    @Test
    void aFasterMallocPeerDoesNotWin() {
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 1_000_000), ok("glibc-c", 2.0, 100_000)));
        assertEquals("aset-c", v.best());
        assertEquals("AllocSet fits: no other kind beats it by 10% on time x peak; fastest malloc: glibc-c at 0.20x",
                v.line());
    }

    @Test
    void noVerdictWhenAllocSetDidNotRun() {
        FitVerdict failed = FitVerdict.of(List.of(Cell.notRun("aset-c", TRACE, ContextFit.METRIC, Cell.FAILED,
                "runner died"), ok("generation-c", 1.0, 4096)));
        assertNull(failed.best());
        assertTrue(Double.isNaN(failed.timeRatio()) && Double.isNaN(failed.peakRatio()));
        assertEquals("no verdict: AllocSet did not replay the trace", failed.line());
        FitVerdict absent = FitVerdict.of(List.of(ok("generation-c", 1.0, 4096), ok("glibc-c", 1.0, 4096)));
        assertNull(absent.best());
        assertEquals("no verdict: AllocSet did not replay the trace", absent.line());
    }

    /** RSS moves by a few pages from one process to the next: peaks below 64 KiB count as 64 KiB. */
    @Test
    void peaksBelow64KiBCountAs64KiB() {
        // 0 and 60,000 bytes are both 65,536: a peak ratio of 1, so 0.95 x time alone does not win
        FitVerdict tiny = FitVerdict.of(List.of(ok("aset-c", 10.0, 60_000), ok("bump-c", 9.5, 0)));
        assertEquals("aset-c", tiny.best());
        assertEquals(1.0, FitVerdict.peak(ok("bump-c", 9.5, 0), ok("aset-c", 10.0, 60_000)), 1e-9);
        // 131,072 over AllocSet's 100 bytes (taken as 65,536) is 2, not 1310.72: 0.4 x 2 = 0.8 wins
        FitVerdict v = FitVerdict.of(List.of(ok("aset-c", 10.0, 100), ok("generation-c", 4.0, 131_072)));
        assertEquals("generation-c", v.best());
        assertEquals(2.0, v.peakRatio(), 1e-9);
        assertEquals("Generation fits better: 0.40x AllocSet's time, 2.00x its peak", v.line());
        // and the other way: 100 bytes against AllocSet's 131,072 is 0.5, not 0.0008
        assertEquals(0.5, FitVerdict.peak(ok("slab-c", 1.0, 100), ok("aset-c", 1.0, 131_072)), 1e-9);
        // at and above the floor a peak counts as it is
        assertEquals(1.5, FitVerdict.peak(ok("slab-c", 1.0, 98_304), ok("aset-c", 1.0, 65_536)), 1e-9);
    }

    @Test
    void kindNamesAreCapitalisedAndPeersKeepTheirLaneName() {
        assertEquals("AllocSet", FitVerdict.kindName("aset-c"));
        assertEquals("Generation", FitVerdict.kindName("generation-c"));
        assertEquals("Slab", FitVerdict.kindName("slab-c"));
        assertEquals("Bump", FitVerdict.kindName("bump-c"));
        assertEquals("glibc-c", FitVerdict.kindName("glibc-c"));
        assertTrue(ContextFit.isContextKind("slab-c"));
        assertFalse(ContextFit.isContextKind("glibc-c"));
    }
}
