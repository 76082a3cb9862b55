package org.allocbench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code allocbench} command. With no subcommand it runs {@code run}. */
@Command(name = "allocbench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Benchmarks memory allocators: PostgreSQL's AllocSet (native, via FFM) against its peers.",
        subcommands = {RunCommand.class, EnvCommand.class, StatsCommand.class, ExportCommand.class, BenchCommand.class, LatencyCommand.class, TraceCommand.class, ShmCommand.class, HugePagesCommand.class, org.allocbench.measure.MemoryCommand.class, VerifyPgCommand.class, LimitCommand.class, ReportCommand.class, CompareCommand.class, GateCommand.class, CleanupCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // what killed runs left and no reaper undid (both killed together): undone before anything new starts
        org.allocbench.owned.Sweep.atStart(System.err::println);
        org.allocbench.owned.ParentWatch.fromEnvironment();
        // no arguments at all: the quick run, so a first try shows a result
        System.exit(commandLine().execute(args.length == 0 ? new String[] {"run"} : args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        // options but no subcommand: say what there is
        commandLine().usage(System.out);
    }
}
