package org.allocbench.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.allocbench.campaign.GateRunner;
import org.allocbench.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What .github/workflows/benchmark.yml must do, read as YAML: run on pushes to main and on pull requests, gate
 * with options this build's CLI accepts, export the gate's candidate run, and feed that export to the dashboard,
 * pushing only from main. actionlint (WorkflowLintTest) checks the workflow's syntax; this checks its purpose.
 */
class BenchmarkWorkflowTest {

    private static final Path WORKFLOW = Path.of(System.getProperty("user.dir")).getParent()
            .resolve(".github/workflows/benchmark.yml");
    private static final String LAUNCHER = "scripts/allocbench ";

    private static JsonNode workflow;
    private static List<JsonNode> steps;

    @BeforeAll
    static void read() throws IOException {
        workflow = new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
        steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
    }

    @Test
    void runsOnPushesToMainAndOnPullRequests() {
        JsonNode on = workflow.path("on"); // a key to Jackson, not YAML 1.1's boolean
        assertEquals("main", on.path("push").path("branches").path(0).asText(), on.toString());
        assertTrue(on.has("pull_request") && on.has("workflow_dispatch"), on.toString());
    }

    @Test
    void gatesAndExportsTheCandidateRunWithOptionsTheCliAccepts() {
        ParseResult gate = allocbench(step(s -> s.path("run").asText().contains(LAUNCHER + "gate ")));
        assertEquals(0.05, gate.matchedOptionValue("--max-regression", 0.0), 1e-12);
        assertTrue(gate.hasMatchedOption("--baseline") && gate.hasMatchedOption("--candidate"));
        Path work = gate.matchedOptionValue("--work", Path.of("(none)"));

        ParseResult export = allocbench(step(s -> s.path("run").asText().contains(LAUNCHER + "export ")));
        assertEquals(work.resolve(GateRunner.CANDIDATE_RUN), export.matchedPositionalValue(0, Path.of("(none)")),
                "the export must read the gate's combined candidate run");
        assertEquals("github-action-benchmark", export.matchedOptionValue("--format", ""));
        Path output = export.matchedOptionValue("--output", Path.of("(none)"));

        JsonNode dashboard = step(s -> s.path("uses").asText().startsWith("benchmark-action/github-action-benchmark@"))
                .path("with");
        assertEquals("customSmallerIsBetter", dashboard.path("tool").asText());
        assertEquals(output.toString(), dashboard.path("output-file-path").asText());
        String autoPush = dashboard.path("auto-push").asText();
        assertTrue(autoPush.contains("github.event_name == 'push'") && autoPush.contains("'refs/heads/main'"),
                "the dashboard's data must be pushed only from pushes to main: auto-push: " + autoPush);

        JsonNode upload = step(s -> s.path("uses").asText().startsWith("actions/upload-artifact@")
                && s.path("with").path("path").asText().contains(work.toString()));
        assertEquals("always()", upload.path("if").asText(), "the work directory matters most when the gate failed");
    }

    @Test
    void actionsArePinnedToAMajorVersion() {
        List<String> unpinned = steps.stream().map(s -> s.path("uses").asText()).filter(u -> !u.isEmpty())
                .filter(u -> !u.matches("[\\w.-]+/[\\w.-]+@v\\d+")).toList();
        assertEquals(List.of(), unpinned);
    }

    @Test
    void theJobThatRunsTheBuildCannotWriteTheRepository() {
        JsonNode permissions = workflow.path("jobs").path("gate").path("permissions");
        assertEquals("read", permissions.path("contents").asText(), permissions.toString());
    }

    private static JsonNode step(Predicate<JsonNode> which) {
        List<JsonNode> found = steps.stream().filter(which).toList();
        assertEquals(1, found.size(), "matching steps: " + found);
        return found.get(0);
    }

    /**
     * The subcommand's parse of the first line of the step's {@code run} after the launcher, by this build's
     * command line (an unknown option or a bad value throws). The workflow writes these commands on one line
     * without shell quoting, so splitting on blanks is the shell's reading.
     */
    private static ParseResult allocbench(JsonNode step) {
        String run = step.path("run").asText();
        String line = run.substring(run.indexOf(LAUNCHER) + LAUNCHER.length()).lines().findFirst().orElseThrow();
        String[] args = line.strip().split("\\s+");
        assertFalse(Arrays.stream(args).anyMatch(a -> a.matches(".*[\"'$\\\\].*")), "shell syntax in: " + line);
        ParseResult parsed = new CommandLine(new Main()).parseArgs(args);
        assertTrue(parsed.hasSubcommand(), line);
        return parsed.subcommand();
    }
}
