package org.allocbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.allocbench.fit.ContextFit;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html of an {@code allocbench fit} run: the "Which context fits?" section, its rows and the verdict. */
class FitSectionTest {

    private static final String SLAB_REASON = "not applicable to Slab: op 1 asks for 24 bytes in context 0, whose"
            + " first chunk was 100 bytes";

    private static Cell fit(String lane, String trace, double nsPerOp, long peak, long retained, long live) {
        return new Cell(lane, trace, ContextFit.METRIC, Cell.NS_PER_OP, Cell.OK, null, List.of(nsPerOp),
                List.of(0), nsPerOp, null, null, Map.of(ContextFit.PEAK, peak, ContextFit.RETAINED, retained,
                        ContextFit.PEAK_LIVE, live), List.of(), List.of(3L));
    }

    @Test
    void aFitRunHasTheSectionWithRowsReasonsAndTheVerdict(@TempDir Path base) throws Exception {
        Path dir = Files.createDirectories(base.resolve("fit-run"));
        RunResults r = SyntheticRuns.start("fit-run");
        long mib = 1 << 20;
        // Generation: half the time in the same peak, 0.5 x 1 = 0.5: it fits better
        r = r.withCell(fit("aset-c", "change-queue", 20.0, 4 * mib, mib, 2 * mib));
        r = r.withCell(fit("generation-c", "change-queue", 10.0, 4 * mib, 0, 2 * mib));
        r = r.withCell(Cell.notRun("slab-c", "change-queue", ContextFit.METRIC, Cell.NOT_RUN, SLAB_REASON));
        r = r.withCell(fit("glibc-c", "change-queue", 30.0, 6 * mib, 2 * mib, 2 * mib));
        r = r.withCell(Cell.notRun("jemalloc-c", "change-queue", ContextFit.METRIC, Cell.NOT_RUN,
                SyntheticRuns.NOT_RUN_REASON));
        ResultsStore.write(dir, r);

        String html = Files.readString(RunReport.write(dir), StandardCharsets.UTF_8);
        assertTrue(html.contains("<h2 id=\"fit\">Which context fits?</h2>"), "no fit section");
        assertTrue(html.contains("<h3>change-queue</h3>"), "no heading of the trace");
        assertTrue(html.contains("<td>generation-c</td>") && html.contains("<td>glibc-c</td>"), "rows");
        assertTrue(html.contains(">0.50</td>"), "generation-c's time ratio to aset-c: 10 / 20");
        assertTrue(html.contains(">4.00</td>"), "peak MiB");
        assertTrue(html.contains("not-run: " + SLAB_REASON), "Slab's reason");
        assertTrue(html.contains("<p><strong>Verdict:</strong> Generation fits better: 0.50x AllocSet&#39;s time,"
                + " 1.00x its peak; not applicable: Slab; fastest malloc: glibc-c at 1.50x</p>"), html);
    }

    @Test
    void aRunWithoutFitCellsHasNoFitSection(@TempDir Path base) throws Exception {
        String html = Files.readString(RunReport.write(SyntheticRuns.plain(base)), StandardCharsets.UTF_8);
        assertFalse(html.contains("Which context fits?"));
        assertEquals(-1, html.indexOf("id=\"fit\""));
    }
}
