package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceFormatException;
import org.allocbench.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench trace check FILE...}: validates each file completely, as
 * a replay would before timing anything. One line per file on standard output
 * when it is valid, the first problem (file:line: message) on standard error
 * when not; exit status 1 if any file is invalid or unreadable.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Validate trace files (plain or .gz) against format version 1.",
            "Prints FILE: OK, N ops, S slots (a A, z Z, r R, f F, R resets) for a valid file (and for",
            "version 2: c C, d D, T threads, E expectations),",
            "FILE:LINE: problem for an invalid one; exits with 1 if any file fails."})
final class TraceCheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trace files.")
    private List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path file : files) {
            try {
                OpSequence ops = TraceReader.read(file);
                out.printf("%s: OK, %d ops, %d slots (a %d, z %d, r %d, f %d, R %d resets)%s%n", file, ops.length(),
                        ops.slots(), ops.count(OpSequence.ALLOC), ops.count(OpSequence.ALLOC_ZEROED),
                        ops.count(OpSequence.REALLOC), ops.count(OpSequence.FREE), ops.count(OpSequence.RESET),
                        ops.placement() == null ? "" : String.format("; version 2: c %d, d %d, %d thread%s,"
                                + " %d expectations", ops.count(OpSequence.CREATE), ops.count(OpSequence.DELETE), ops.placement().threads(),
                                ops.placement().threads() == 1 ? "" : "s", ops.placement().expectations().size()));
            } catch (TraceFormatException e) {
                failed++;
                err.println(e.getMessage());
            } catch (IOException e) {
                failed++;
                err.println(file + ": cannot read: " + TraceCommand.describe(e));
            }
            out.flush();
            err.flush();
        }
        return failed == 0 ? 0 : 1;
    }
}
