package org.allocbench.fleet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.results.Settings;

/** Hosts' runs with known numbers, written as run directories, for the merge and the fleet tables. */
final class FleetRuns {

    static final Settings SETTINGS = new Settings(20_000, 42, 2, 3, 3, 1, "interleaved-rounds");

    private FleetRuns() {
    }

    /**
     * A run directory {@code base/id} of {@code campaign} recorded on {@code hostname}, one replay cell per
     * allocator on {@code trace}: 3 forks x 3 rounds, every sample {@code nsPerOp} (so every ratio is exact).
     */
    static Path write(Path base, String id, String hostname, String campaign, String schema, Settings settings,
            String trace, Map<String, Double> nsPerOp) throws Exception {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("hostname", hostname);
        environment.put("kernel", "6.1.0-test");
        List<Cell> cells = new ArrayList<>();
        nsPerOp.forEach((allocator, ns) -> cells.add(cell(allocator, trace, ns)));
        RunResults run = new RunResults(schema, new RunInfo(id, campaign, RunInfo.COMPLETE, "2026-12-05T10:00:00Z",
                "2026-12-05T10:05:00Z", "allocbench run --campaign " + campaign, "allocbench.jar", "abc", null,
                "0.1.0"), environment, settings, cells);
        Path dir = Files.createDirectories(base.resolve(id));
        Files.writeString(dir.resolve("raw.json"), "{}");
        ResultsStore.write(dir, run);
        return dir;
    }

    static Path write(Path base, String id, String hostname, Map<String, Double> nsPerOp) throws Exception {
        return write(base, id, hostname, "gate", RunResults.SCHEMA, SETTINGS, "small-churn", nsPerOp);
    }

    static Cell cell(String allocator, String trace, double ns) {
        List<Double> samples = new ArrayList<>();
        List<Integer> forks = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            for (int r = 0; r < 3; r++) {
                samples.add(ns);
                forks.add(f);
            }
        }
        return new Cell(allocator, trace, Cell.REPLAY, Cell.NS_PER_OP, Cell.OK, null, samples, forks, ns, ns, ns,
                Map.of(), List.of("raw.json"));
    }
}
