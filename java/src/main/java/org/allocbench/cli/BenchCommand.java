package org.allocbench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(jmhArguments.toArray(String[]::new)); // exits the JVM itself
        return 0;
    }
}
