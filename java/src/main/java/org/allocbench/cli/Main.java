package org.allocbench.cli;

import java.nio.file.Path;
import org.allocbench.owned.ParentWatch;
import org.allocbench.owned.PrivateTemp;
import org.allocbench.owned.Sweep;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code allocbench} command. With no subcommand it runs {@code run}. */
@Command(name = "allocbench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Benchmarks memory allocators: PostgreSQL's AllocSet (native, via FFM) against its peers.",
        subcommands = {RunCommand.class, FleetCommand.class, MergeCommand.class, EnvCommand.class, StatsCommand.class, ExportCommand.class, BenchCommand.class, LatencyCommand.class, TraceCommand.class, RecordCommand.class, RecordPgCommand.class, ShmCommand.class, HugePagesCommand.class, MemoryCommand.class, VerifyPgCommand.class, FitCommand.class, LimitCommand.class, ReportCommand.class, CompareCommand.class, GateCommand.class, CleanupCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // what killed runs left and no reaper undid (both killed together): undone before anything new starts
        Sweep.atStart(System.err::println);
        ParentWatch.fromEnvironment();
        // no arguments at all: the quick run, so a first try shows a result
        String[] command = args.length == 0 ? new String[] {"run"} : args;
        // the launcher gives the commands that make temporary files a directory of their own
        Path tmp = PrivateTemp.adopt();
        int exit;
        try {
            exit = commandLine().execute(command);
        } catch (Throwable t) {
            // the handlers failed themselves (out of memory while printing, say): still one line
            Failures.report(new java.io.PrintWriter(System.err, true), "allocbench: ", t);
            exit = 1;
        }
        if (tmp != null) {
            PrivateTemp.delete(tmp);
        }
        System.exit(exit);
    }

    /** The command line with every subcommand and the error handling all of them share (see {@link Failures}). */
    static CommandLine commandLine() {
        return Failures.install(new CommandLine(new Main()));
    }

    @Override
    public void run() {
        // options but no subcommand: say what there is
        commandLine().usage(System.out);
    }
}
