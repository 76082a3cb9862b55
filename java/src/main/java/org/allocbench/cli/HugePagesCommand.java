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
    "Example: allocbench hugepages --kinds anonymous,sysv --out hugepages.json"})
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
                    + " others).")
    private Integer iterations;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up iterations per fork (default: the benchmark's, 1 first touch and 2 s of the"
                    + " others).")
    private Integer warmup;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the JMH JSON of all cells here, and JMH's own output beside it (FILE.log).")
    private Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long bytes;
        List<PageMapping> chosenMappings = new ArrayList<>();
        List<SegmentKind> chosenKinds = new ArrayList<>();
        try {
            bytes = ByteSize.parsePositive(size);
            for (String m : mappings) {
                chosenMappings.add(PageMapping.byLabel(m));
            }
            for (String k : kinds) {
                chosenKinds.add(HugePagesCampaign.kind(k));
            }
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
}
