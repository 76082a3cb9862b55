package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.owned.OwnerRecords;
import org.allocbench.owned.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench cleanup}: undoes what killed runs of the suite left behind,
 * as their owner records list it (never anything by name alone), and says what
 * it removed. Every command does the same quietly at its start; this one also
 * waits for reapers still at work, so that afterwards nothing of a dead run is left.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Removes what killed allocbench runs left behind (PostgreSQL servers, cgroups, raised huge"
                + " page pools, temporary directories; results.json of a killed run is marked killed), as their"
                + " owner records list it, and lists what it removed. Runs still alive are left alone.",
                "Segments made with `shm create` are not run leftovers: `shm cleanup` handles those."})
final class CleanupCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = OwnerRecords.existingDirectory();
        Sweep.Result result = dir == null ? new Sweep.Result(List.of(), List.of()) : Sweep.run(dir, true);
        result.undone().forEach(line -> out.println("cleanup: " + line));
        if (result.undone().isEmpty()) {
            out.println("cleanup: nothing to clean up: no dead allocbench run left anything behind");
        }
        for (String owner : result.running()) {
            out.println("cleanup: left alone: a run still alive, " + owner);
        }
        out.flush();
        return result.undone().stream().anyMatch(l -> l.contains("could not")) ? 1 : 0;
    }
}
