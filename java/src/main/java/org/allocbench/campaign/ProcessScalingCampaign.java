package org.allocbench.campaign;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.allocbench.measure.SegmentProcesses;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;
import org.allocbench.results.Cell;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.CellSummary;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Workload;

/**
 * {@code allocbench hugepages --processes}: what huge pages save when many
 * backends map one segment. For every (segment kind, page mapping) pair and
 * process count, {@link SegmentProcesses} runs that many backend-like
 * processes on a fresh segment; each pair x count becomes cells of a run
 * directory (results.json with {@code processes} set, the report), and the
 * terminal gets {@link ProcessScalingTable}.
 *
 * <p>Cells ({@code allocator} = {@code kind/mapping}, e.g. {@code sysv/2m};
 * samples one per process, {@code sampleForks} the process's index):
 * {@value Cell#SEGMENT_PTE} (page tables each process gained by attaching and
 * touching the segment: its VmPTE with all attached less its VmPTE before it
 * attached), {@value Cell#VMPTE} (VmPTE with all attached), {@value Cell#PAGE_TABLES}
 * (one sample: /proc/meminfo PageTables with all attached less before the
 * first), {@value Cell#ATTACH}, {@value Cell#FIRST_TOUCH}, {@value Cell#TOUCH_FAULTS}, and
 * {@value Cell#WHOLE_TRACE} (each process's replay of the trace through its
 * own AllocSet, ns/op per iteration).
 *
 * <p>Huge pages: as root, the pools are raised to what the segment needs and
 * restored ({@link HugePagePools}); shared memory gets transparent huge pages
 * only when {@code shmem_enabled} allows them, so as root a thp pair sets it
 * to {@code advise} for the run and puts it back (claimed first: a reaper
 * restores it after a kill). Not root: pairs that need either are not run,
 * with what is missing.
 */
public final class ProcessScalingCampaign {

    public static final String METHOD = "process-model";
    static final Path SHMEM_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled");

    /** What to run: segments of {@code bytes}, each pair at each process count, the trace replayed per process. */
    public record Settings(long bytes, List<PageMapping> mappings, List<SegmentKind> kinds, List<Integer> processes,
            Workload trace, int ops, long seed, int iterations) {
    }

    /** What a run left: its directory and results, notes (pairs skipped or not run), and what was put back. */
    public record Outcome(Path directory, RunResults results, List<String> notes, List<String> restored) {
    }

    private final Settings settings;
    private final Map<SegmentKind, List<PageMapping>> plan = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    public ProcessScalingCampaign(Settings settings) {
        this.settings = settings;
        plan.putAll(HugePagesCampaign.plan(settings.kinds(), settings.mappings(), "/", notes));
    }

    /** Runs every pair at every count into a new run directory under {@code base}; progress on {@code err}. */
    public Outcome run(boolean root, Path base, String command, PrintWriter out, PrintWriter err) {
        OpSequence trace = settings.trace().load(settings.ops(), settings.seed());
        RunRecorder recorder = CampaignRunner.startRun(base, "hugepages-processes", command,
                new org.allocbench.results.Settings(trace.length(), settings.seed(), 0, settings.iterations(), 1, 1,
                        METHOD, TraceSources.of(List.of(settings.trace()))));
        recorder.putEnvironment("processModel", Map.of("segmentBytes", settings.bytes(), "processes",
                settings.processes(), "iterations", settings.iterations()));
        List<Cell> cells = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        HugePagePools pools = new HugePagePools();
        ShmemSetting shmem = new ShmemSetting();
        Runtime.getRuntime().addShutdownHook(pools.hook);
        Runtime.getRuntime().addShutdownHook(shmem.hook);
        String status = RunInfo.FAILED;
        try {
            prepare(root, pools, shmem, out);
            int total = plan.values().stream().mapToInt(List::size).sum() * settings.processes().size();
            int step = 0;
            for (Map.Entry<SegmentKind, List<PageMapping>> entry : plan.entrySet()) {
                for (PageMapping m : entry.getValue()) {
                    for (int n : settings.processes()) {
                        String name = entry.getKey().label() + "/" + m.label();
                        err.printf("[%d/%d] %s, %d process%s ...%n", ++step, total, name, n, n == 1 ? "" : "es");
                        err.flush();
                        if (root && m.hugePageSize() != 0) {
                            pools.ensure(m, settings.bytes()).ifPresent(err::println);
                        }
                        cells.addAll(measure(entry.getKey(), m, n, trace, err));
                        recorder.replaceCells(cells);
                    }
                }
            }
            status = RunInfo.COMPLETE;
        } finally {
            pools.restore(restored::add);
            shmem.restore(restored::add);
            removeHook(pools.hook);
            removeHook(shmem.hook);
            recorder.putEnvironment("processModelNotes", notes);
            recorder.finish(status);
        }
        return new Outcome(recorder.directory(), recorder.results(), notes, restored);
    }

    /** Reserves what hugetlb pairs lack and lets shared memory have THP, as root; drops the pairs still short. */
    private void prepare(boolean root, HugePagePools pools, ShmemSetting shmem, PrintWriter out) {
        if (plan.values().stream().anyMatch(list -> list.contains(PageMapping.TRANSPARENT))) {
            String why = root ? shmem.allow(out) : shmemThpMissing();
            if (why != null) {
                notes.add("not run: thp: " + why);
                plan.values().forEach(list -> list.remove(PageMapping.TRANSPARENT));
            }
        }
        HugePagesCampaign.reserve(root, pools, plan, settings.mappings(), settings.bytes(), notes, out);
    }

    /** One pair at one count, as cells (failed ones with the reason). */
    private List<Cell> measure(SegmentKind kind, PageMapping mapping, int processes, OpSequence trace,
            PrintWriter err) {
        String lane = kind.label() + "/" + mapping.label();
        SegmentProcesses.Run r;
        try {
            r = SegmentProcesses.run(kind, mapping, settings.bytes(), processes, settings.iterations(), trace);
        } catch (RuntimeException e) {
            err.println("  failed: " + e.getMessage());
            return List.of(Cell.SEGMENT_PTE, Cell.WHOLE_TRACE).stream()
                    .map(metric -> Cell.notRun(lane, trace.name(), metric, Cell.FAILED, e.getMessage())
                            .at(1, processes)).toList();
        }
        List<Cell> cells = new ArrayList<>();
        Map<String, Long> segment = new LinkedHashMap<>();
        segment.put("segmentBytes", r.segmentBytes());
        segment.put("pageSize", r.pageSize());
        segment.put("smapsPageSize", r.smapsPageSize());
        segment.put("hugeBytes", r.hugeBytes());
        segment.put("expectedBytes", expectedPageTableBytes(r.segmentBytes(), mapping));
        cells.add(perProcess(lane, trace, Cell.SEGMENT_PTE, "bytes", r, b -> (double) b.segmentPageTableBytes(),
                segment));
        cells.add(perProcess(lane, trace, Cell.VMPTE, "bytes", r, b -> (double) b.vmPteHeldBytes(), Map.of()));
        cells.add(perProcess(lane, trace, Cell.ATTACH, "ns", r, b -> (double) b.attachNs(), Map.of()));
        cells.add(perProcess(lane, trace, Cell.FIRST_TOUCH, "ns", r, b -> (double) b.touchNs(), Map.of()));
        cells.add(perProcess(lane, trace, Cell.TOUCH_FAULTS, "faults", r, b -> (double) b.touchFaults(), Map.of()));
        Map<String, Long> meminfo = Map.of("beforeBytes", r.pageTablesBeforeKb() * 1024, "heldBytes",
                r.pageTablesHeldKb() * 1024, "afterBytes", r.pageTablesAfterKb() * 1024);
        cells.add(new Cell(lane, trace.name(), Cell.PAGE_TABLES, "bytes", Cell.OK, null,
                List.of((double) r.pageTablesGrowthBytes()), List.of(0), (double) r.pageTablesGrowthBytes(), null,
                null, meminfo, List.of(), List.of()).at(1, processes));
        cells.add(replay(lane, trace, r));
        SegmentProcesses.Backend last = r.backends().get(r.backends().size() - 1);
        err.printf("  %s: page tables %,d bytes per process (expected %,d), %,d in all; touch %.1f ms, %,d faults"
                + " (last process)%n", lane, last.segmentPageTableBytes(), segment.get("expectedBytes"),
                r.pageTablesGrowthBytes(), last.touchNs() / 1e6, last.touchFaults());
        err.flush();
        return cells;
    }

    private static Cell perProcess(String lane, OpSequence trace, String metric, String unit,
            SegmentProcesses.Run r, Function<SegmentProcesses.Backend, Double> value, Map<String, Long> stats) {
        List<Double> samples = new ArrayList<>();
        List<Integer> processes = new ArrayList<>();
        for (SegmentProcesses.Backend b : r.backends()) {
            samples.add(value.apply(b));
            processes.add(b.index());
        }
        return CellSummary.of(Bootstrap.DEFAULT, lane, trace.name(), metric, unit, null, samples, processes, stats,
                List.of(), List.of()).at(1, r.backends().size());
    }

    /** Each process's replay, ns/op per iteration; the AllocSet's counters (the same in every process). */
    private static Cell replay(String lane, OpSequence trace, SegmentProcesses.Run r) {
        List<Double> samples = new ArrayList<>();
        List<Integer> processes = new ArrayList<>();
        List<Long> faults = new ArrayList<>();
        for (SegmentProcesses.Backend b : r.backends()) {
            for (int i = 0; i < b.replayNs().length; i++) {
                samples.add(b.replayNs()[i] / (double) Math.max(1, trace.length()));
                processes.add(b.index());
                faults.add(b.replayFaults()[i]);
            }
        }
        SegmentProcesses.Backend first = r.backends().get(0);
        boolean same = r.backends().stream().allMatch(b -> java.util.Objects.equals(b.counters(), first.counters()));
        return CellSummary.of(Bootstrap.DEFAULT, lane, trace.name(), Cell.WHOLE_TRACE, Cell.NS_PER_OP,
                same ? null : "the processes' AllocSet counters differ", samples, processes,
                InterleavedRunner.stats(first.counters()), List.of(), faults).at(1, r.backends().size());
    }

    /**
     * The page tables a process needs to map {@code bytes} with {@code mapping}'s pages, by the x86-64 layout:
     * one 8-byte entry per page, in 4 KiB table pages (PTE tables for 4 KiB pages, PMD tables for 2 MiB pages
     * and THP); a 1 GiB page is an entry of a PUD table the process has anyway, so 0.
     */
    public static long expectedPageTableBytes(long bytes, PageMapping mapping) {
        long page = switch (mapping) {
            case SMALL -> 4096;
            case TRANSPARENT, HUGE_2M -> 2L << 20;
            case HUGE_1G -> 0;
        };
        if (page == 0) {
            return 0;
        }
        long entries = (bytes + page - 1) / page;
        return (entries * 8 + 4095) / 4096 * 4096;
    }

    /** Why shared memory cannot have THP now (shmem_enabled), or null if it can. */
    static String shmemThpMissing() {
        String now = HugePagesCampaign.transparentHugePages("shmem_enabled");
        return now.matches("always|within_size|advise|force") ? null : "shmem_enabled is " + now
                + ", so shared memory gets no transparent huge pages; as root this command sets it to advise for"
                + " the run (echo advise > " + SHMEM_ENABLED + ")";
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook finds everything restored and does nothing
        }
    }

    /** shmem_enabled set to advise for a run and put back once (the run's end, or the shutdown hook). */
    static final class ShmemSetting {
        private String previous;
        private boolean done;
        final Thread hook = new Thread(() -> restore(System.err::println), "allocbench-shmem-restore");

        /** Sets advise unless THP is allowed already; why it could not, or null. */
        synchronized String allow(PrintWriter out) {
            if (shmemThpMissing() == null) {
                return null;
            }
            String now = HugePagesCampaign.transparentHugePages("shmem_enabled");
            previous = now;
            Ownership.claim(new Resource.KernelSetting(SHMEM_ENABLED, now));
            try {
                Files.writeString(SHMEM_ENABLED, "advise");
            } catch (IOException e) {
                return "cannot set " + SHMEM_ENABLED + " to advise: " + e.getMessage();
            }
            out.println("set: " + SHMEM_ENABLED + " " + now + " -> advise (for shared memory THP)");
            return null;
        }

        synchronized void restore(java.util.function.Consumer<String> report) {
            if (done || previous == null) {
                done = true;
                return;
            }
            done = true;
            Resource.KernelSetting setting = new Resource.KernelSetting(SHMEM_ENABLED, previous);
            try {
                Files.writeString(SHMEM_ENABLED, previous);
                Ownership.release(setting);
                report.accept("restored: " + SHMEM_ENABLED + " back to " + previous);
            } catch (IOException e) {
                report.accept("could not restore " + SHMEM_ENABLED + " to " + previous + ": " + e.getMessage()
                        + "; do it by hand: echo " + previous + " > " + SHMEM_ENABLED);
            }
        }
    }
}
