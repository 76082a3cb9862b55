package org.allocbench.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench trace}: tools for trace files (format version 1,
 * docs/trace-format.md). Each tool is a subcommand class listed here.
 */
@Command(name = "trace", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Trace files (format version 1): generate, check and summarise them.",
        subcommands = {TraceCheckCommand.class, TraceStatsCommand.class, TraceGenCommand.class})
final class TraceCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        // no subcommand: say what there is
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** An I/O failure in a few words: Java's exceptions for missing files carry only the path. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
