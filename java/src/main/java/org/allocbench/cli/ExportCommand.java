package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.allocbench.campaign.Exports;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code allocbench export RUN --format F [-o FILE]}: a run's cells for github-action-benchmark or Bencher. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Exports a run's cells for dashboards: github-action-benchmark (customSmallerIsBetter) or"
                + " bencher (Bencher Metric Format).")
final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "A run directory or its results.json.")
    private Path run;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "github-action-benchmark or bencher.")
    private String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
    private Path output;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Exports.FORMATS.contains(format)) {
            err.println("allocbench export: unknown format \"" + format + "\" (known: "
                    + String.join(", ", Exports.FORMATS) + ")");
            return 2;
        }
        String unwritable = output == null ? null : OutputPaths.fileProblem(output);
        if (unwritable != null) {
            err.println("allocbench export: -o: " + unwritable);
            return 2;
        }
        RunResults results;
        try {
            results = ResultsStore.read(run);
        } catch (IllegalArgumentException e) {
            err.println("allocbench export: " + e.getMessage());
            return 2;
        }
        String text = Exports.export(results, format);
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            try {
                Files.writeString(output, text);
            } catch (IOException e) {
                err.println("allocbench export: error: " + Failures.cannot("write", output, e));
                return 1;
            }
        }
        return 0;
    }
}
