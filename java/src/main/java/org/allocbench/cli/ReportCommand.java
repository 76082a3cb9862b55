package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.allocbench.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench report RUN_DIR}: (re)writes RUN_DIR/report.html and its
 * charts from RUN_DIR/results.json and prints the report's path. Exit 0 on
 * success, 2 when the run cannot be read, 1 when the report cannot be written.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes RUN_DIR/report.html (self-contained: charts embedded, no network needed to view it)"
                + " and RUN_DIR/charts/*.png from a run's results.json, and prints the report's path.",
                "Sections appear when the run has their data: time per op per trace, latency percentiles (.hlog),"
                        + " memory held, huge pages, cells not run or failed."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory (holding results.json).")
    private Path runDir;

    @Option(names = "--open-path", description = "Print the report as a file:// URL, ready for a browser"
            + " (default: the plain absolute path).")
    private boolean openPath;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = runDir;
        if (Files.isRegularFile(dir) && dir.getFileName().toString().equals("results.json")) {
            dir = dir.toAbsolutePath().getParent(); // results.json given: its directory
        }
        if (!Files.isDirectory(dir)) {
            err.println("allocbench report: " + runDir + ": not a run directory");
            return 2;
        }
        Path report;
        try {
            report = RunReport.write(dir);
        } catch (IllegalArgumentException e) {
            err.println("allocbench report: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("allocbench report: cannot write the report in " + dir + ": " + e.getMessage());
            return 1;
        }
        Path abs = report.toAbsolutePath().normalize();
        out.println(openPath ? abs.toUri().toString() : abs.toString());
        out.flush();
        return 0;
    }
}
