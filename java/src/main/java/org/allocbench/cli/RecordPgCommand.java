package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.allocbench.pg.PgRecorder;
import org.allocbench.pg.PgRecording;
import org.allocbench.pg.PgUnavailableException;
import org.allocbench.trace.OpSequence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench record-pg --sql FILE -o OUT} or {@code --pgbench "ARGS"}: records every AllocSet
 * operation of a PostgreSQL 15 backend into a version 2 trace, with PostgreSQL's own counters as
 * expectations ({@link PgRecorder}; docs/recording.md).
 */
@Command(name = "record-pg", mixinStandardHelpOptions = true,
        description = {"Records every AllocSet operation (context creation, palloc, repalloc, pfree, reset, delete)"
                + " of a PostgreSQL 15 backend in a throwaway cluster into a version 2 trace, with PostgreSQL's own"
                + " counters of each context as expectations (verify-pg checks them).",
            "The workload runs twice: once without recording (timed, and warming the cache), then recorded."})
final class RecordPgCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The trace to write (gzip if it ends in .gz).")
    private Path output;

    @Option(names = "--sql", paramLabel = "FILE", description = "A SQL file, run by psql in one session: recorded.")
    private Path sql;

    @Option(names = "--setup", paramLabel = "FILE",
            description = "A SQL file run first in a session of its own, not recorded (tables and data).")
    private Path setup;

    @Option(names = "--pgbench", paramLabel = "ARGS",
            description = "pgbench's arguments, in one string (e.g. \"-S -c 1 -t 2000\"), after pgbench -i has"
                    + " made its tables: recorded.")
    private String pgbench;

    @Option(names = "--no-baseline", description = "Do not run the workload unrecorded first to time it.")
    private boolean noBaseline;

    @Override
    public Integer call() {
        if ((sql == null) == (pgbench == null)) {
            throw new ParameterException(spec.commandLine(), "name the workload: --sql FILE or --pgbench ARGS (one)");
        }
        for (Path file : new Path[] {sql, setup}) {
            if (file != null && !Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), file + ": no such readable file");
            }
        }
        // found now, not after the command ran: the trace is written into an existing directory
        String problem = OutputPaths.newFileInExistingDirectoryProblem(output);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "-o: " + problem);
        }
        List<String> pgbenchArgs = pgbench == null ? null
                : Arrays.stream(pgbench.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        PrintWriter err = spec.commandLine().getErr();
        PgRecorder.Result result;
        try {
            result = PgRecorder.record(new PgRecorder.Request(setup, sql, pgbenchArgs, output, !noBaseline));
        } catch (PgUnavailableException e) {
            err.println("allocbench record-pg: " + e.getMessage());
            return 2;
        }
        summary(err, output, result);
        err.flush();
        return 0;
    }

    static void summary(PrintWriter out, Path output, PgRecorder.Result r) {
        PgRecording.Conversion c = r.written();
        OpSequence ops = c.ops();
        out.printf(Locale.ROOT, "allocbench record-pg: %s%n", r.serverVersion());
        out.printf(Locale.ROOT, "  trace     %s: %,d bytes, format version 2, backend pid %d%s%n", output, r.bytes(),
                c.pid(), c.complete() ? "" : " (warning: its recording has no end record: incomplete)");
        out.printf(Locale.ROOT, "  ops       %,d: a %,d, r %,d, f %,d, R %,d, c %,d, d %,d%n", ops.length(),
                ops.count(OpSequence.ALLOC), ops.count(OpSequence.REALLOC), ops.count(OpSequence.FREE),
                ops.count(OpSequence.RESET), ops.count(OpSequence.CREATE), ops.count(OpSequence.DELETE));
        out.printf(Locale.ROOT, "  expect    %,d expectations (PostgreSQL's counters before each delete and at exit)"
                + "%n", ops.placement().expectations().size());
        out.printf(Locale.ROOT, "  left out  %,d operations on contexts older than the recording, %,d on contexts"
                + " moved to another parent, %,d huge allocations, %,d frees of unseen chunks%n", c.olderOps(),
                c.movedOps(), c.hugeDropped(), c.unknownFrees());
        if (r.backends().size() > 1) {
            StringBuilder others = new StringBuilder();
            for (PgRecording.Conversion other : r.backends().subList(1, r.backends().size())) {
                others.append(others.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "pid %d (%,d ops)",
                        other.pid(), other.ops().length()));
            }
            out.printf(Locale.ROOT, "  backends  %d recorded; the busiest is the trace; not written: %s%n",
                    r.backends().size(), others);
        }
        if (r.baselineNanos() < 0) {
            out.printf(Locale.ROOT, "  time      %.3f s with recording (no run without: --no-baseline)%n",
                    r.recordedNanos() / 1e9);
        } else {
            out.printf(Locale.ROOT, "  time      %.3f s with recording, %.3f s without: %.2fx (the client's wall time,"
                    + " one run each, the unrecorded first)%n", r.recordedNanos() / 1e9, r.baselineNanos() / 1e9,
                    r.recordedNanos() / (double) Math.max(1, r.baselineNanos()));
        }
    }
}
