package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.allocbench.fleet.FleetTables;
import org.allocbench.report.RunReport;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;

/** What {@code merge} and {@code fleet} print and write for a merged run: the tables across hosts and the report. */
final class FleetOutput {

    private FleetOutput() {
    }

    /** Prints the tables, writes the report and prints its path; the exit status (1 if the report failed). */
    static int print(RunResults merged, Path dir, String command, PrintWriter out, PrintWriter err) {
        out.print(FleetTables.text(merged, Bootstrap.DEFAULT));
        try {
            out.println("report: " + RunReport.write(dir).toAbsolutePath().normalize());
        } catch (IOException | UncheckedIOException e) {
            err.println(command + ": results.json is written, but the report could not be: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
