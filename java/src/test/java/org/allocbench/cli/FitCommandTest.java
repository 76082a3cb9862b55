package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.allocbench.fit.ContextFit;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allocbench fit} end to end on two small built-ins: per-tuple-reset (sizes that vary, no pfree: Slab
 * cannot, Bump can) and small-churn (pfrees: Bump cannot either), two forks. Every lane of
 * {@link ContextFit#LANES} has a row on stdout and a cell in results.json: ok (a sample from each fork), or
 * not-run with the reason (a malloc peer that is not installed names its package; whether jemalloc and the
 * others are installed here is not assumed); the summary has a row per trace; the report a fit section.
 */
class FitCommandTest {

    private static final List<String> TRACES = List.of("per-tuple-reset", "small-churn");

    @Test
    void twoSmallTracesGoThroughEveryLaneIntoARunDirectory(@TempDir Path out) throws Exception {
        CliRun r = CliRun.run("fit", "--traces", String.join(",", TRACES), "--ops", "2000", "--iterations", "1",
                "--forks", "2", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());

        // stdout: one block per trace, a row per lane (ok or the reason), the verdict
        for (String trace : TRACES) {
            String block = block(r.out(), trace);
            for (WholeTraceLane lane : ContextFit.LANES) {
                assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(lane.laneName()) + " ").matcher(block).find(),
                        "no row of " + lane.laneName() + " for " + trace + ":\n" + block);
            }
            for (String kind : List.of("aset-c", "generation-c")) {
                assertTrue(Pattern.compile("(?m)^  " + kind + " +\\d+\\.\\d ").matcher(block).find(),
                        kind + " did not run on " + trace + ":\n" + block);
            }
            assertTrue(block.contains("  verdict: "), block);
        }
        String reset = block(r.out(), "per-tuple-reset");
        assertTrue(Pattern.compile("(?m)^  slab-c +not-run: not applicable to Slab: op \\d+ asks for \\d+ bytes in"
                + " context 0, whose first chunk was \\d+ bytes").matcher(reset).find(), reset);
        assertTrue(Pattern.compile("(?m)^  bump-c +\\d+\\.\\d ").matcher(reset).find(), "Bump ran: " + reset);
        String churn = block(r.out(), "small-churn");
        assertTrue(Pattern.compile("(?m)^  bump-c +not-run: not applicable to Bump: op \\d+ frees a chunk, and pfree"
                + " is not supported by the bump memory allocator").matcher(churn).find(), churn);
        assertTrue(churn.contains("not applicable: Slab, Bump") || churn.contains("not applicable: Bump"), churn);
        assertTrue(r.out().contains("Which context fits: "), r.out());
        // the summary: a row per trace; per-tuple-reset's Slab and small-churn's Bump are n/a
        assertTrue(Pattern.compile("(?m)^per-tuple-reset +\\d+\\.\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d, \\d+\\.\\d\\d +n/a +"
                + "\\d+\\.\\d\\d, \\d+\\.\\d\\d ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^small-churn +\\d+\\.\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d, \\d+\\.\\d\\d +n/a +n/a ")
                .matcher(r.out()).find(), r.out());
        // progress on stderr: a lane that cannot replay a trace is asked once, not once per fork
        assertTrue(r.err().contains("aset-c x small-churn (fork 2 of 2)"), r.err());
        assertTrue(r.err().contains("bump-c x small-churn (fork 1 of 2)"), r.err());
        assertFalse(r.err().contains("bump-c x small-churn (fork 2 of 2)"), r.err());

        // the run directory: complete, every lane's cell of both traces, the reasons recorded
        Matcher dirLine = Pattern.compile("(?m)^run directory: (\\S+) ").matcher(r.out());
        assertTrue(dirLine.find(), r.out());
        Path runDir = Path.of(dirLine.group(1));
        assertEquals(out, runDir.getParent());
        try (Stream<Path> runs = Files.list(out)) {
            assertEquals(List.of(runDir), runs.toList());
        }
        RunResults results = ResultsStore.read(runDir);
        assertEquals(RunInfo.COMPLETE, results.run().status());
        assertEquals("fit", results.run().campaign());
        assertEquals(TRACES.size() * ContextFit.LANES.size(), results.cells().size());
        for (String trace : TRACES) {
            for (WholeTraceLane lane : ContextFit.LANES) {
                Cell c = results.cell(lane.laneName(), trace, ContextFit.METRIC);
                assertNotNull(c, lane.laneName() + " x " + trace);
                String missing = lane.unavailableReason();
                if (missing != null) {
                    assertEquals(Cell.NOT_RUN, c.status(), c.toString());
                    assertEquals(missing, c.reason());
                    assertTrue(c.reason().contains("install Debian package "), c.reason());
                } else if (Cell.OK.equals(c.status())) {
                    assertTrue(c.median() > 0, c.toString());
                    assertEquals(List.of(0, 1), c.sampleForks(), "one timed iteration in each of 2 forks: " + c);
                    assertTrue(c.stats().containsKey(ContextFit.PEAK) && c.stats().containsKey(ContextFit.RETAINED),
                            c.toString());
                    assertTrue(c.stats().get(ContextFit.PEAK_LIVE) > 0, c.toString());
                    assertEquals(ContextFit.isContextKind(lane.laneName()),
                            c.stats().containsKey(ContextFit.CONTEXT_TOTAL), c.toString());
                } else {
                    assertEquals(Cell.NOT_RUN, c.status(), c.toString());
                    assertTrue(c.reason() != null && c.reason().startsWith("not applicable to "), c.toString());
                }
            }
        }
        // the peers that are installed ran, and glibc always is
        assertEquals(Cell.OK, results.cell("glibc-c", "small-churn", ContextFit.METRIC).status());
        assertEquals(Cell.OK, results.cell("aset-c", "per-tuple-reset", ContextFit.METRIC).status());
        assertEquals(Cell.OK, results.cell("generation-c", "small-churn", ContextFit.METRIC).status());
        assertEquals(Cell.OK, results.cell("bump-c", "per-tuple-reset", ContextFit.METRIC).status());
        Cell slab = results.cell("slab-c", "per-tuple-reset", ContextFit.METRIC);
        assertEquals(Cell.NOT_RUN, slab.status());
        assertTrue(slab.reason().startsWith("not applicable to Slab: "), slab.reason());
        Cell bump = results.cell("bump-c", "small-churn", ContextFit.METRIC);
        assertEquals(Cell.NOT_RUN, bump.status());
        assertTrue(bump.reason().matches("not applicable to Bump: op \\d+ frees a chunk, and pfree is not supported"
                + " by the bump memory allocator \\(trace small-churn\\)"), bump.reason());
        // the same run reads back as a report with the fit section
        Path report = org.allocbench.report.RunReport.write(runDir);
        String html = Files.readString(report);
        assertTrue(html.contains(">Which context fits?</h2>"), "no fit section in " + report);
    }

    /** One trace's block of fit's output: from its "NAME: N ops" line to its verdict. */
    private static String block(String out, String trace) {
        Matcher m = Pattern.compile("(?ms)^" + Pattern.quote(trace) + ": [\\d,]+ ops, .*?^  verdict: [^\\n]*$")
                .matcher(out);
        assertTrue(m.find(), "no block for " + trace + " in:\n" + out);
        return m.group();
    }
}
