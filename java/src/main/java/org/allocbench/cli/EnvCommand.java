package org.allocbench.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.allocbench.campaign.Environment;
import org.allocbench.results.ResultsStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code allocbench env}: what decides the numbers on this host (the environment block of results.json). */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Prints what decides the numbers on this host: CPU, kernel, memory, huge pages, JVM, glibc,"
                + " allocator library versions, PostgreSQL 15, the allocbench build.")
final class EnvCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "JSON (the environment block of results.json) instead of a table.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> env = Environment.capture();
        if (json) {
            out.println(ResultsStore.json().writeValueAsString(env));
        } else {
            out.print(Environment.table(env));
        }
        out.flush();
        return 0;
    }
}
