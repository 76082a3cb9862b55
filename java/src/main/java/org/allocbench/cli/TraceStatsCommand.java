package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.TraceFormatException;
import org.allocbench.trace.TraceReader;
import org.allocbench.trace.TraceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench trace stats FILE}: what a trace asks of an allocator. Op
 * counts, the requested-size distribution of a, z and r ops (nearest-rank
 * percentiles), and the peaks of live slots and live requested bytes, with the
 * op (1-based) that first reached each.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Summarise a trace file: op counts, size percentiles, peak live slots and bytes.")
final class TraceStatsCommand implements Callable<Integer> {

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A trace file (plain or .gz).")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OpSequence ops;
        try {
            ops = TraceReader.read(file);
        } catch (TraceFormatException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + TraceCommand.describe(e));
            return 1;
        }
        TraceStats s = TraceStats.of(ops);
        out.printf(Locale.ROOT, "trace:                %s (%s)%n", ops.name(), file);
        out.printf(Locale.ROOT, "ops:                  %,d (a %,d, z %,d, r %,d, f %,d, R %,d%s)%n", s.ops(),
                s.allocs(), s.zeroedAllocs(), s.reallocs(), s.frees(), s.resets(),
                ops.placement() == null ? "" : String.format(Locale.ROOT, ", c %,d, d %,d", s.creates(), s.deletes()));
        if (ops.placement() != null) {
            out.printf(Locale.ROOT, "version 2:            %,d contexts declared, %,d created; %,d thread%s;"
                    + " %,d expectations%n", ops.placement().contextCount(), s.creates(), ops.placement().threads(),
                    ops.placement().threads() == 1 ? "" : "s", ops.placement().expectations().size());
        }
        out.printf(Locale.ROOT, "slots:                %,d declared, %,d used%n", s.slots(), s.slotsUsed());
        int sized = s.sortedSizes().length;
        if (sized == 0) {
            out.printf(Locale.ROOT, "sizes (a, z, r):      none%n");
        } else {
            StringBuilder line = new StringBuilder();
            line.append(String.format(Locale.ROOT, "min %,d", s.sortedSizes()[0]));
            for (double p : PERCENTILES) {
                line.append(String.format(Locale.ROOT, ", p%s %,d", p == Math.rint(p) ? Long.toString((long) p)
                        : Double.toString(p), s.sizePercentile(p)));
            }
            line.append(String.format(Locale.ROOT, ", max %,d, mean %,.1f", s.sortedSizes()[sized - 1], s.meanSize()));
            out.printf(Locale.ROOT, "sizes (a, z, r):      %s%n", line);
            out.printf(Locale.ROOT, "requested bytes:      %,d in %,d ops%n", s.requestedBytes(), sized);
        }
        out.printf(Locale.ROOT, "peak live slots:      %,d%s%n", s.peakLiveSlots(), at(s.peakLiveSlotsAt()));
        out.printf(Locale.ROOT, "peak live requested:  %,d bytes%s%n", s.peakLiveBytes(), at(s.peakLiveBytesAt()));
        out.flush();
        return 0;
    }

    private static String at(long index) {
        return index < 0 ? "" : String.format(Locale.ROOT, " (first at op %,d)", index + 1);
    }
}
