package org.allocbench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Runs the JMH benchmarks packed in this jar. Everything after {@code bench}
 * goes to JMH unchanged (a benchmark regex, -f, -wi, -i, -prof gc, -rf json,
 * -h for JMH's own help). The forks get the JVM flags they need from each
 * benchmark's {@code @Fork}; passing {@code -jvmArgsAppend} replaces those, so
 * repeat {@code --enable-native-access=ALL-UNNAMED} there if you use it.
 */
@Command(name = "bench", description = {
    "Run the JMH benchmarks in this jar; arguments go to JMH as they are.",
    "Examples: allocbench bench AllocFreePair   allocbench bench -l   allocbench bench -h"})
final class BenchCommand implements Callable<Integer> {

    /** Everything, options included, in order: JMH parses it. */
    @Unmatched
    private List<String> jmhArguments = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String[] arguments = jmhArguments.toArray(String[]::new);
        try {
            new CommandLineOptions(arguments); // JMH's own parse, so a bad option is a usage error like ours
        } catch (CommandLineOptionException e) {
            throw new ParameterException(spec.commandLine(), "JMH: " + e.getMessage() + " (allocbench bench -h lists"
                    + " JMH's options)");
        }
        org.openjdk.jmh.Main.main(arguments); // exits the JVM itself
        return 0;
    }
}
