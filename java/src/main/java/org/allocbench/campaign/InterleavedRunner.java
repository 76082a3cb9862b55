package org.allocbench.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.bench.AllocatorReplay;
import org.allocbench.bench.BindingFloor;
import org.allocbench.bench.HugePagesBenchmark;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.SegmentBlockSource;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.pg.LaneResult;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.pg.ReplayLane;
import org.allocbench.results.Cell;
import org.allocbench.trace.BuiltinPatterns;
import org.allocbench.trace.OpSequence;

/**
 * The in-process campaign: per trace, every allocator (and the harness
 * floors, and the segment-backed AllocSets of the huge-page modes) once per
 * round, the order rotating each round so no allocator always runs first;
 * warm-up rounds first, not recorded. One sample per measured round: ns/op =
 * the round's wall time / (ops x threads); each replay creates the instance,
 * replays the trace and closes it, inside the time. Then the whole-trace lanes
 * (aset-c, aset-pg15-c, pg15-real), also interleaved, one iteration per round.
 * Each trace's cells are handed to the sink as soon as the trace is done.
 */
public final class InterleavedRunner {

    /** The harness floors' names in results: the null allocator, and a no-op FFM downcall per op. */
    public static final String NULL_FLOOR = "null";
    public static final String DOWNCALL_FLOOR = "noop-downcall";
    public static final String WHOLE_TRACE = "wholetrace";
    public static final String ASET_C = "aset-c";
    public static final String ASET_PG15_C = "aset-pg15-c";
    public static final String PG15_REAL = "pg15-real";
    public static final String SEGMENT_PREFIX = "aset-native-segment@";
    /** Segment size of the huge-page cells (pages are touched only as the AllocSet uses them). */
    public static final long SEGMENT_BYTES = 256L << 20;

    /** Receives each finished cell. */
    public interface Sink {
        void add(Cell cell);
    }

    private final Campaign campaign;
    private final int fork;
    private final Progress progress;
    private final Map<String, String> notes = new LinkedHashMap<>();
    private PgCluster cluster;
    private String pgMissing;
    /** Where per-op latency .hlog files go (a run directory's hlog/), or null for none. */
    private java.nio.file.Path runDirectory;

    public InterleavedRunner(Campaign campaign, int fork, Progress progress) {
        this.campaign = campaign;
        this.fork = fork;
        this.progress = progress;
    }

    /**
     * Records one per-op latency replay per cell after its timed rounds (not timed
     * itself: System.nanoTime around every op costs more than many ops) into
     * {@code runDir/hlog/<allocator>__<trace>.hlog}, listed in the cell's files,
     * for the report's percentile curves. Single-threaded campaigns only.
     */
    public InterleavedRunner recordLatency(java.nio.file.Path runDir) {
        this.runDirectory = runDir;
        return this;
    }

    /** Capability notes of the allocators that ran (name: note), for the environment block. */
    public Map<String, String> notes() {
        return notes;
    }

    /** One thing measured per round. */
    private static final class Entry {
        final String allocator;
        final String metric;
        final IntFunction<Allocator> creator; // by replay thread; null: the downcall floor
        final List<Double> samples = new ArrayList<>();
        Map<String, Long> stats = Map.of();
        String failure;

        Entry(String allocator, String metric, IntFunction<Allocator> creator) {
            this.allocator = allocator;
            this.metric = metric;
            this.creator = creator;
        }
    }

    /** The campaign's allocators: the named ones (or all), the harness floor excluded. */
    public static List<AllocatorFactory> allocators(Campaign c) {
        List<AllocatorFactory> list = c.allocators() == null ? Allocators.all()
                : c.allocators().stream().map(Allocators::byName).toList();
        return list.stream().filter(f -> !f.name().equals(NULL_FLOOR)).toList();
    }

    /** Units of progress the campaign takes (for the estimate). */
    public long units() {
        long perRound = allocators(campaign).stream().filter(f -> f.availability().available()).count()
                + campaign.hugePages().size() + (campaign.floors() ? 2 : 0);
        long lanes = campaign.wholeTrace() ? 3 : 0;
        return campaign.traces().size() * (long) (campaign.warmup() + campaign.rounds()) * (perRound + lanes);
    }

    public void run(Sink sink) {
        List<AllocatorFactory> factories = allocators(campaign);
        Map<String, SharedSegment> segments = new LinkedHashMap<>();
        Map<String, List<SegmentBlockSource>> sources = new LinkedHashMap<>();
        Map<String, String> segmentMissing = new LinkedHashMap<>();
        try {
            for (String mode : campaign.hugePages()) {
                try {
                    SharedSegment s = HugePagesBenchmark.open(SegmentKind.ANONYMOUS,
                            HugePagesBenchmark.Mapping.byLabel(mode), SEGMENT_BYTES);
                    segments.put(mode, s);
                    // one block source per replay thread, each on its own slice: a source is single-threaded
                    List<SegmentBlockSource> perThread = new ArrayList<>();
                    long slice = s.memory().byteSize() / campaign.threads() & ~4095L;
                    for (int t = 0; t < campaign.threads(); t++) {
                        perThread.add(new SegmentBlockSource(s.memory().asSlice(t * slice, slice)));
                    }
                    sources.put(mode, perThread);
                } catch (RuntimeException e) {
                    segmentMissing.put(mode, String.valueOf(e.getMessage()));
                }
            }
            if (campaign.wholeTrace()) {
                pgMissing = campaign.postgres() ? PgInstallation.unavailableReason() : "skipped (--no-postgres)";
            }
            int cellsPerTrace = factories.size() + campaign.hugePages().size() + (campaign.floors() ? 2 : 0)
                    + (campaign.wholeTrace() ? 3 : 0);
            int cellCount = cellsPerTrace * campaign.traces().size();
            int cellBase = 0;
            for (String trace : campaign.traces()) {
                runTrace(trace, factories, sources, segmentMissing, sink, cellBase, cellCount);
                cellBase += cellsPerTrace;
            }
        } finally {
            sources.values().forEach(l -> l.forEach(SegmentBlockSource::close));
            segments.values().forEach(SharedSegment::close);
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private void runTrace(String trace, List<AllocatorFactory> factories, Map<String, List<SegmentBlockSource>> sources,
            Map<String, String> segmentMissing, Sink sink, int cellBase, int cellCount) {
        OpSequence ops = BuiltinPatterns.byName(trace, campaign.opsFor(trace), campaign.seed());
        List<Entry> entries = new ArrayList<>();
        List<Cell> notRun = new ArrayList<>();
        for (AllocatorFactory f : factories) {
            if (f.availability().available()) {
                entries.add(new Entry(f.name(), Cell.REPLAY, thread -> f.create()));
            } else {
                notRun.add(Cell.notRun(f.name(), trace, Cell.REPLAY, Cell.NOT_RUN, f.availability().reason()));
            }
        }
        for (String mode : campaign.hugePages()) {
            List<SegmentBlockSource> source = sources.get(mode);
            if (source != null) {
                entries.add(new Entry(SEGMENT_PREFIX + mode, Cell.REPLAY,
                        thread -> new NativeAllocSetAllocator(AllocSetSizes.DEFAULT, source.get(thread))));
            } else {
                notRun.add(Cell.notRun(SEGMENT_PREFIX + mode, trace, Cell.REPLAY, Cell.NOT_RUN,
                        segmentMissing.get(mode)));
            }
        }
        int measuredEntries = entries.size();
        if (campaign.floors()) {
            AllocatorFactory floor = Allocators.harnessFloor();
            entries.add(new Entry(NULL_FLOOR, Cell.FLOOR, thread -> floor.create()));
            entries.add(new Entry(DOWNCALL_FLOOR, Cell.FLOOR, null));
        }
        int threads = campaign.threads();
        long[][] handles = new long[threads][ops.slots()];
        long[][] sizes = new long[threads][ops.slots()];
        int n = entries.size();
        for (int round = -campaign.warmup(); round < campaign.rounds(); round++) {
            for (int k = 0; k < n; k++) {
                int which = Math.floorMod(k + round, n);
                Entry e = entries.get(which);
                String phase = round < 0 ? "warm-up " + (round + campaign.warmup() + 1) + "/" + campaign.warmup()
                        : "round " + (round + 1) + "/" + campaign.rounds();
                progress.step(cellBase + which + 1, cellCount, trace, "x " + e.allocator + ", " + phase);
                if (e.failure != null) {
                    continue;
                }
                boolean last = round == campaign.rounds() - 1;
                try {
                    double t = time(e, ops, handles, sizes, last);
                    if (round >= 0) {
                        e.samples.add(t);
                    }
                } catch (RuntimeException | Error ex) {
                    e.failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                }
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Cell c = cell(e.allocator, trace, e.metric, e.failure, e.samples, e.stats);
            String hlog = e.failure == null && e.creator != null ? latency(e, trace, ops) : null;
            sink.add(hlog == null ? c : new Cell(c.allocator(), c.trace(), c.metric(), c.unit(), c.status(),
                    c.reason(), c.samples(), c.sampleForks(), c.median(), c.ciLow(), c.ciHigh(), c.stats(),
                    List.of(hlog)));
        }
        notRun.forEach(sink::add);
        if (campaign.wholeTrace()) {
            wholeTrace(trace, ops, sink, cellBase + measuredEntries + (campaign.floors() ? 2 : 0), cellCount);
        }
    }

    private Cell cell(String allocator, String trace, String metric, String failure, List<Double> samples,
            Map<String, Long> stats) {
        if (failure != null) {
            return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.FAILED, failure, samples,
                    samples.stream().map(s -> fork).toList(), null, null, null, stats, List.of());
        }
        List<Integer> forks = samples.stream().map(s -> fork).toList();
        SampleStats.Summary sum = SampleStats.summarise(samples, forks);
        return new Cell(allocator, trace, metric, Cell.NS_PER_OP, Cell.OK, null, samples, forks, sum.median(),
                sum.ciLow(), sum.ciHigh(), stats, List.of());
    }

    /** One latency-recorded replay of the entry; the .hlog's path relative to the run directory, or null. */
    private String latency(Entry e, String trace, OpSequence ops) {
        if (runDirectory == null || campaign.threads() != 1) {
            return null;
        }
        String relative = "hlog/" + org.allocbench.measure.HlogFiles.fileName(e.allocator, trace);
        try (Allocator a = e.creator.apply(0)) {
            org.HdrHistogram.Histogram h = org.allocbench.measure.LatencyRecorder.newHistogram();
            h.setStartTimeStamp(System.currentTimeMillis());
            new org.allocbench.measure.LatencyRecorder(org.allocbench.measure.LatencyMode.PER_OP, 1)
                    .replay(a, ops, new long[ops.slots()], new long[ops.slots()], h);
            h.setEndTimeStamp(Math.max(h.getStartTimeStamp(), System.currentTimeMillis()));
            java.nio.file.Path file = runDirectory.resolve(relative);
            java.nio.file.Files.createDirectories(file.getParent());
            org.allocbench.measure.HlogFiles.write(file, h, List.of("allocbench run: " + e.allocator + " x " + trace
                    + ", per-op latency (each value includes one System.nanoTime pair)"));
            return relative;
        } catch (java.io.IOException | RuntimeException ex) {
            return null; // latency is a bonus; the timed cell stands without it
        }
    }

    /** One round of one entry: ns/op over all threads' replays. */
    private double time(Entry e, OpSequence ops, long[][] handles, long[][] sizes, boolean captureStats) {
        int threads = handles.length;
        if (threads == 1) {
            long start = System.nanoTime();
            replayOnce(e, 0, ops, handles[0], sizes[0], captureStats);
            return (System.nanoTime() - start) / (double) ops.length();
        }
        CyclicBarrier barrier = new CyclicBarrier(threads + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    barrier.await();
                    replayOnce(e, id, ops, handles[id], sizes[id], captureStats && id == 0);
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            }, "allocbench-replay-" + t);
            w.start();
            workers.add(w);
        }
        long start;
        try {
            barrier.await();
            start = System.nanoTime();
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException | BrokenBarrierException x) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", x);
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) {
            Throwable x = failure.get();
            throw x instanceof RuntimeException r ? r : new IllegalStateException(x.getMessage(), x);
        }
        return elapsed / ((double) ops.length() * threads);
    }

    private void replayOnce(Entry e, int thread, OpSequence ops, long[] handles, long[] sizes,
            boolean captureStats) {
        if (e.creator == null) {
            BindingFloor.noopDowncalls(ops);
            return;
        }
        try (Allocator a = e.creator.apply(thread)) {
            AllocatorReplay.replay(a, ops, handles, sizes);
            if (captureStats) {
                e.stats = stats(a.stats());
                synchronized (notes) {
                    if (!a.capabilities().note().isEmpty() && !e.metric.equals(Cell.FLOOR)) {
                        notes.put(e.allocator, a.capabilities().note());
                    }
                }
            }
        }
    }

    /** AllocatorStats as results' stats map: only the figures known. */
    public static Map<String, Long> stats(AllocatorStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        s.totalBytes().ifPresent(v -> m.put("totalBytes", v));
        s.blocks().ifPresent(v -> m.put("blocks", v));
        s.freeChunks().ifPresent(v -> m.put("freeChunks", v));
        s.freeBytes().ifPresent(v -> m.put("freeBytes", v));
        s.usedBytes().ifPresent(v -> m.put("usedBytes", v));
        return m;
    }

    public static Map<String, Long> stats(MemoryContextCounters c) {
        return c == null ? Map.of() : stats(AllocatorStats.of(c));
    }

    /** The whole-trace lanes: one iteration each per round, rotating, after the warm-up iterations. */
    private void wholeTrace(String trace, OpSequence ops, Sink sink, int cellBase, int cellCount) {
        record Lane(String name, java.util.function.IntFunction<LaneResult> replay, List<Double> samples,
                String[] failure, MemoryContextCounters[] counters) {

            Lane(String name, ReplayLane lane, long[] encoded, int slots) {
                this(name, iterations -> lane.replay(encoded, slots, iterations), new ArrayList<>(), new String[1],
                        new MemoryContextCounters[1]);
            }
        }
        long[] encoded = ops.encoded();
        int slots = ops.slots();
        List<Lane> lanes = new ArrayList<>();
        lanes.add(new Lane(ASET_C, ReplayLane.ourMainLibrary(), encoded, slots));
        lanes.add(new Lane(ASET_PG15_C, ReplayLane.ourVariant("pg15"), encoded, slots));
        if (pgMissing == null && cluster == null) {
            progress.note("starting a throwaway PostgreSQL 15 cluster for the pg15-real lane ...");
            try {
                cluster = PgCluster.start(PgInstallation.require());
            } catch (RuntimeException e) {
                pgMissing = "could not start a throwaway PostgreSQL 15 cluster: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            }
        }
        if (pgMissing == null) {
            lanes.add(new Lane(PG15_REAL, PgReplay.lane(cluster), encoded, slots));
        }
        if (campaign.warmup() > 0) {
            for (int i = 0; i < lanes.size(); i++) {
                Lane l = lanes.get(i);
                progress.step(cellBase + i + 1, cellCount, trace, "x " + l.name() + ", warm-up");
                try {
                    l.replay().apply(campaign.warmup());
                } catch (RuntimeException e) {
                    l.failure()[0] = e.getMessage();
                }
            }
        }
        for (int round = 0; round < campaign.rounds(); round++) {
            for (int k = 0; k < lanes.size(); k++) {
                int which = (k + round) % lanes.size();
                Lane l = lanes.get(which);
                progress.step(cellBase + which + 1, cellCount, trace,
                        "x " + l.name() + ", round " + (round + 1) + "/" + campaign.rounds());
                if (l.failure()[0] != null) {
                    continue;
                }
                try {
                    LaneResult r = l.replay().apply(1);
                    l.samples().add(r.medianNsPerOp());
                    l.counters()[0] = r.counters();
                } catch (RuntimeException e) {
                    l.failure()[0] = e.getMessage();
                }
            }
        }
        for (Lane l : lanes) {
            sink.add(cell(l.name(), trace, WHOLE_TRACE, l.failure()[0], l.samples(), stats(l.counters()[0])));
        }
        if (pgMissing != null) {
            sink.add(Cell.notRun(PG15_REAL, trace, WHOLE_TRACE, Cell.NOT_RUN, pgMissing));
        }
    }
}
