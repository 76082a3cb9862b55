package org.allocbench.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.allocbench.campaign.HugePagesCampaign;
import org.allocbench.campaign.HugePagesTable;
import org.allocbench.nativecore.ByteSize;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.results.Cell;
import org.allocbench.campaign.ProcessScalingCampaign;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench hugepages}: the huge-pages campaign
 * ({@link HugePagesCampaign}: the benchmark's cells, one JMH run each, and the
 * pools reserved as root and restored), then its table and notes.
 */
@Command(name = "hugepages", mixinStandardHelpOptions = true, description = {
    "What huge pages buy: first-touch time and page faults, random-access latency, and an AllocSet replay,"
            + " on segments of 4 KiB pages (4k), transparent huge pages (thp) and hugetlb pages (2m, 1g).",
    "As root, reserves the 2 MiB / 1 GiB pages the run needs and restores the pools afterwards (also on"
            + " failure or Ctrl-C); otherwise says what is missing and runs what it can.",
    "Runs HugePagesBenchmark through JMH (one fork per cell); a default run takes about 2 minutes.",
    "With --processes: PostgreSQL's process model instead. N backend-like processes (1, 4, 16, 64 ...) map one"
            + " shared segment, each touches all of it and replays a trace through its own AllocSet; page-table"
            + " memory per process (VmPTE) and in all (PageTables), attach and first-touch time, faults and the"
            + " trace's ns/op, per segment kind, mapping and process count, into a run directory (results.json,"
            + " report.html). The processes take turns and mostly wait, so 64 run on 2 cores; about 5 minutes.",
    "Example: allocbench hugepages --kinds anonymous,sysv --out hugepages.json",
    "Example: allocbench hugepages --processes 1,4,16,64"})
final class HugePagesCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--size", defaultValue = "1g", paramLabel = "SIZE",
            description = "Segment size (1g, 512m, bytes), well above the TLB reach of 4 KiB pages; 1g needs"
                    + " SIZE / 1 GiB pages of 1 GiB (default: ${DEFAULT-VALUE}).")
    private String size;

    @Option(names = "--mappings", split = ",", paramLabel = "MAPPING", defaultValue = "4k,thp,2m,1g",
            description = "4k (normal pages), thp (transparent huge pages), 2m and 1g (hugetlb pages)"
                    + " (default: ${DEFAULT-VALUE}).")
    private List<String> mappings;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND", defaultValue = "anonymous",
            description = "Segment kinds: anonymous (all mappings), sysv (4k, 2m, 1g), posix (4k only); pairs a"
                    + " kind cannot have are listed as skipped (default: ${DEFAULT-VALUE}).")
    private List<String> kinds;

    @Option(names = "--forks", defaultValue = "2", paramLabel = "N",
            description = "JMH forks per cell (default: ${DEFAULT-VALUE}).")
    private int forks;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Measured iterations per fork (default: the benchmark's, 5 first touches and 3 s of the"
                    + " others); with --processes, the trace's replays per process (default: 5).")
    private Integer iterations;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up iterations per fork (default: the benchmark's, 1 first touch and 2 s of the"
                    + " others).")
    private Integer warmup;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the JMH JSON of all cells here, and JMH's own output beside it (FILE.log). With"
                    + " --processes: the base directory of the run directory (default: bench-results/runs).")
    private Path out;

    @Option(names = "--processes", split = ",", paramLabel = "N",
            description = "Run the process model at these process counts (1..4096), e.g. 1,4,16,64;"
                    + " --kinds then defaults to anonymous,posix,sysv.")
    private List<Integer> processes;

    @Option(names = "--traces", paramLabel = "TRACE", defaultValue = "per-tuple-reset",
            description = "With --processes: the trace each process replays, a built-in name or a trace file of"
                    + " one thread (default: ${DEFAULT-VALUE}).")
    private String trace;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "200000",
            description = "With --processes: ops of a built-in trace (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Override
    public Integer call() {
        if (processes != null) {
            return processModel();
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long bytes;
        List<PageMapping> chosenMappings = new ArrayList<>();
        List<SegmentKind> chosenKinds = new ArrayList<>();
        try {
            bytes = segments(kinds, chosenMappings, chosenKinds);
        } catch (IllegalArgumentException e) {
            err.println("allocbench hugepages: " + e.getMessage());
            return 2;
        }
        if (forks < 1 || (iterations != null && iterations < 1) || (warmup != null && warmup < 0)) {
            err.println("allocbench hugepages: --forks and --iterations must be at least 1, --warmup at least 0");
            return 2;
        }
        HugePagesCampaign campaign = new HugePagesCampaign(new HugePagesCampaign.Settings(size, bytes, chosenMappings,
                chosenKinds, forks, iterations, warmup, out));
        boolean root = HugePagesCampaign.runningAsRoot();
        stdout.printf("allocbench hugepages: segments of %s (%,d bytes); mappings %s; kinds %s; %d fork(s) per cell%n",
                size, bytes, String.join(",", mappings), String.join(",", kinds), forks);
        stdout.printf("THP enabled %s, shmem_enabled %s; %s%n", HugePagesCampaign.transparentHugePages("enabled"),
                HugePagesCampaign.transparentHugePages("shmem_enabled"),
                root ? "running as root: reserving the huge pages this run needs"
                        : "not root: huge pages cannot be reserved");
        stdout.flush();

        HugePagesCampaign.Outcome o;
        try {
            o = campaign.run(root, stdout, err);
        } catch (UncheckedIOException e) {
            err.println("allocbench hugepages: " + e.getMessage());
            return 2;
        }

        stdout.println();
        HugePagesTable.lines(o.rows()).forEach(stdout::println);
        stdout.println();
        stdout.println("faults/GiB: minor faults the first touch (one write per 4 KiB) took per GiB, mean per"
                + " invocation; 262,144 = every 4 KiB page.");
        stdout.println("vs 4k: ratio to 4k pages of the same kind in this run (below 1.00 is faster); +- is JMH's"
                + " 99.9% error. Cells ran one after another on a shared host: trust ratios, not single times.");
        if (o.transparentRan()
                && !HugePagesCampaign.transparentHugePages("shmem_enabled").matches("always|within_size|advise")) {
            stdout.println("thp is a private mapping (shmem_enabled gives shared memory no THP): its faults take the"
                    + " anonymous-memory path, the other rows' take shmem's.");
        }
        o.notes().forEach(stdout::println);
        o.failures().forEach(f -> stdout.println("failed: " + f));
        if (out != null) {
            stdout.println(o.jsonFailure() == null ? "JMH JSON: " + out : "failed: " + o.jsonFailure());
        }
        stdout.println("JMH output: " + o.log());
        o.restored().forEach(stdout::println);
        stdout.println("took " + HugePagesTable.elapsed(Duration.ofNanos(System.nanoTime() - started)));
        stdout.flush();
        return o.failures().isEmpty() && o.jsonFailure() == null ? 0 : 1;
    }

    /** --size parsed, --mappings and {@code kindLabels} into the lists given; IllegalArgumentException names the bad one. */
    private long segments(List<String> kindLabels, List<PageMapping> chosenMappings, List<SegmentKind> chosenKinds) {
        long bytes = ByteSize.parsePositive(size);
        for (String m : mappings) {
            chosenMappings.add(PageMapping.byLabel(m));
        }
        for (String k : kindLabels) {
            chosenKinds.add(HugePagesCampaign.kind(k));
        }
        return bytes;
    }

    /** --processes: the process model ({@link ProcessScalingCampaign}) into a run directory, then its tables. */
    private Integer processModel() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long bytes;
        List<PageMapping> chosenMappings = new ArrayList<>();
        List<SegmentKind> chosenKinds = new ArrayList<>();
        org.allocbench.trace.Workload workload;
        boolean kindsGiven = spec.commandLine().getParseResult().hasMatchedOption("--kinds");
        try {
            bytes = segments(kindsGiven ? kinds : List.of("anonymous", "posix", "sysv"), chosenMappings, chosenKinds);
            if (processes.isEmpty() || processes.stream().anyMatch(n -> n == null || n < 1 || n > 4096)) {
                throw new IllegalArgumentException("--processes: counts must be 1..4096, e.g. 1,4,16,64");
            }
            if (iterations != null && iterations < 1) {
                throw new IllegalArgumentException("--iterations must be at least 1");
            }
            List<org.allocbench.trace.Workload> found = org.allocbench.trace.Workloads.resolve(trace);
            if (found.size() != 1) {
                throw new IllegalArgumentException("--traces: name one trace (" + trace + " is " + found.size() + ")");
            }
            workload = found.get(0);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("allocbench hugepages: " + e.getMessage());
            return 2;
        }
        boolean root = HugePagesCampaign.runningAsRoot();
        List<Integer> counts = processes.stream().distinct().sorted().toList();
        stdout.printf("allocbench hugepages --processes %s: segments of %s (%,d bytes); mappings %s; kinds %s;"
                + " trace %s%n", counts.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""), size,
                bytes, String.join(",", mappings), String.join(",", chosenKinds.stream().map(SegmentKind::label)
                        .toList()), workload.name());
        stdout.printf("THP shmem_enabled %s; %s%n", HugePagesCampaign.transparentHugePages("shmem_enabled"),
                root ? "running as root: reserving the huge pages this run needs"
                        : "not root: huge pages cannot be reserved, nor THP allowed for shared memory");
        stdout.flush();
        ProcessScalingCampaign campaign = new ProcessScalingCampaign(new ProcessScalingCampaign.Settings(bytes,
                chosenMappings, chosenKinds, counts, workload, ops, 42, iterations == null ? 5 : iterations));
        ProcessScalingCampaign.Outcome o;
        try {
            o = campaign.run(root, out == null ? org.allocbench.results.ResultsStore.DEFAULT_BASE : out,
                    String.join(" ", spec.commandLine().getParseResult().originalArgs()), stdout, err);
        } catch (UncheckedIOException e) {
            err.println("allocbench hugepages: " + e.getMessage());
            return 1;
        }
        stdout.println();
        org.allocbench.campaign.ProcessScalingTable.lines(o.results()).forEach(stdout::println);
        stdout.println();
        o.notes().forEach(stdout::println);
        o.restored().forEach(stdout::println);
        String report = org.allocbench.campaign.CampaignRunner.reportOf(o.directory(), stdout::println);
        stdout.println("Run directory: " + o.directory() + (report == null ? "" : " (results.json, " + report + ")"));
        stdout.println("took " + HugePagesTable.elapsed(Duration.ofNanos(System.nanoTime() - started)));
        stdout.flush();
        boolean failed = o.results().cells().stream().anyMatch(c -> Cell.FAILED.equals(c.status()));
        return failed ? 1 : 0;
    }
}
