package org.allocbench.campaign;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.Allocators;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.pg.PgCluster;
import org.allocbench.pg.PgInstallation;
import org.allocbench.pg.PgReplay;
import org.allocbench.pg.PgTraceSupport;
import org.allocbench.replay.FloorAllocator;
import org.allocbench.replay.LaneResult;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.WholeTraceLane;
import org.allocbench.replay.WholeTraceRunner;
import org.allocbench.results.Cell;
import org.allocbench.results.CellKey;
import org.allocbench.stats.Bootstrap;
import org.allocbench.stats.CellSummary;
import org.allocbench.trace.OpSequence;

/**
 * The interleaved campaign: every lane in processes of its own, forks
 * interleaved across lanes.
 *
 * <p><b>Lanes.</b> Per-op lanes (each allocator called from Java op by op, the
 * segment-backed AllocSets of the huge-page modes, and the two floors) run in
 * a child JVM per lane and fork ({@link LaneWorker}), so the replay loop's
 * calls are monomorphic as in a JMH fork and no allocator runs in a heap
 * another has shaped. Whole-trace C lanes (every native allocator, and the C
 * floor) run in a fresh runner process per lane and fork
 * ({@link WholeTraceRunner}); pg15-real runs in the backend of one throwaway
 * PostgreSQL 15 cluster, a warm-up call before each timed one.
 *
 * <p><b>Forks.</b> Fork k runs every lane once, in an order rotated by k (A B
 * C, B C A, C A B, ...), and within each lane the traces in an order rotated
 * by k, so neither a lane nor a trace always runs first. In each lane process
 * every trace gets the campaign's warm-up iterations, then its measured ones;
 * a sample is one measured iteration's ns/op, tagged with its fork (the
 * independent unit the intervals resample), with the replaying thread's minor
 * page faults beside it.
 *
 * <p>After each lane process the cells so far are handed to the sink, so a
 * crash or Ctrl-C keeps everything finished.
 */
public final class InterleavedRunner {

    /** The per-op floors' names in results: the loop with no allocator, and a no-op FFM downcall per op. */
    public static final String FLOOR = FloorAllocator.NAME;
    public static final String DOWNCALL_FLOOR = PerOpLanes.BINDING_FLOOR;
    public static final String ASET_C = WholeTraceLane.ASET.laneName();
    public static final String ASET_PG15_C = WholeTraceLane.ASET_PG15.laneName();
    public static final String PG15_REAL = "pg15-real";
    public static final String SEGMENT_PREFIX = PerOpLanes.SEGMENT_PREFIX;
    /** Segment size of the huge-page cells (pages are touched only as the AllocSet uses them). */
    public static final long SEGMENT_BYTES = 256L << 20;

    /** Receives every cell measured so far (replacing what it was given before), after each lane process. */
    public interface Sink {
        void cells(List<Cell> all);
    }


    private final Campaign campaign;
    private final Progress progress;
    /**
     * Each per-op cell's time budget in one lane process (warm-up and measured rounds of one trace): far above
     * what a cell of the quick campaign takes (about a second), so it only ever cuts cells like the JDK arenas on
     * large-chunks (a minute: every chunk kept and zeroed), which would otherwise decide the campaign's length.
     * Cells it cut say so ({@link Cell#reason()}, printed under their table); the whole-trace C lanes need none.
     */
    static final double CELL_BUDGET_SECONDS = 15;

    private final Map<String, String> notes = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    /** Where per-op latency .hlog files go (a run directory's hlog/), or null for none. */
    private Path hlogDirectory;

    public InterleavedRunner(Campaign campaign, Progress progress) {
        this.campaign = campaign;
        this.progress = progress;
    }

    /**
     * Records one per-op latency replay per per-op cell in its first fork, after
     * the timed rounds (not timed itself: a clock read around every op costs
     * more than many ops), into {@code runDir/hlog/<lane>__<trace>.hlog}, listed
     * in the cell's files. Single-threaded campaigns only.
     */
    public InterleavedRunner recordLatency(Path runDir) {
        this.hlogDirectory = runDir.resolve("hlog");
        return this;
    }

    /** Capability notes of the lanes that ran (name: note), for the environment block. */
    public Map<String, String> notes() {
        return notes;
    }

    /** What each lane that ran loaded (name: version), for the environment block. */
    public Map<String, String> versions() {
        return versions;
    }

    /** The campaign's allocators: the named ones, or all. */
    public static List<AllocatorFactory> allocators(Campaign c) {
        return c.allocators() == null ? Allocators.all() : c.allocators().stream().map(Allocators::byName).toList();
    }

    /** One thing that runs once per fork: a per-op lane, a C lane, or pg15-real. */
    private interface Unit {
        String name();

        /** Runs over the traces (already in this fork's order) and records into the cells. */
        void run(int fork, List<OpSequence> traces, Cells cells);
    }

    /** Units of progress the campaign takes (for the estimate): lane processes. */
    public long units() {
        long units = 0;
        Cells scratch = new Cells(campaign);
        for (int threads : campaign.threadCounts()) {
            scratch.threads = threads;
            units += (long) units(scratch).size() * campaign.forks();
        }
        return units;
    }

    /**
     * Runs every thread count of the campaign in turn (one in most campaigns), each with all its forks; a
     * scaling campaign's thread counts are the outer loop, so each count's forks interleave as in any run.
     */
    public void run(Sink sink) {
        List<OpSequence> traces = campaign.traces().stream().map(campaign::sequence).toList();
        Cells cells = new Cells(campaign);
        List<List<Unit>> perCount = new ArrayList<>();
        List<String> plan = new ArrayList<>();
        for (int threads : campaign.threadCounts()) {
            cells.threads = threads;
            List<Unit> units = units(cells);
            perCount.add(units);
            for (int fork = 0; fork < campaign.forks(); fork++) {
                rotate(units, fork).forEach(u -> plan.add(u.name() + "@" + threads));
            }
        }
        progress.plan(plan);
        try {
            int step = 0;
            for (int k = 0; k < perCount.size(); k++) {
                int threads = campaign.threadCounts().get(k);
                cells.threads = threads;
                String scale = campaign.scales() ? threads + " thread" + (threads == 1 ? "" : "s") + ", " : "";
                for (int fork = 0; fork < campaign.forks(); fork++) {
                    List<OpSequence> order = rotate(traces, fork);
                    // each fork runs the units one further along the rotation
                    for (Unit u : rotate(perCount.get(k), fork)) {
                        progress.step(++step, plan.size(), scale + "fork " + (fork + 1) + "/" + campaign.forks(),
                                u.name() + " (" + traces.size() + " traces)", u.name() + "@" + threads);
                        u.run(fork, order, cells);
                        sink.cells(cells.all(notes));
                    }
                }
            }
        } finally {
            perCount.stream().flatMap(List::stream).filter(u -> u instanceof PgLane).forEach(u -> ((PgLane) u).close());
        }
        sink.cells(cells.all(notes));
    }

    /** Every unit of the campaign, in the first fork's order; lanes that cannot run become not-run cells. */
    private List<Unit> units(Cells cells) {
        List<Unit> units = new ArrayList<>();
        for (AllocatorFactory f : allocators(campaign)) {
            if (f.availability().available()) {
                units.add(perOp(f.name(), Cell.REPLAY));
            } else {
                cells.notRun(f.name(), Cell.REPLAY, f.availability().reason());
            }
        }
        for (String mode : campaign.hugePages()) {
            units.add(perOp(SEGMENT_PREFIX + mode, Cell.REPLAY));
        }
        if (campaign.floors()) {
            units.add(perOp(FLOOR, Cell.FLOOR));
            units.add(perOp(DOWNCALL_FLOOR, Cell.FLOOR));
        }
        if (campaign.wholeTrace()) {
            for (WholeTraceLane lane : WholeTraceLane.all()) {
                boolean isFloor = lane == WholeTraceLane.FLOOR;
                if (isFloor && !campaign.floors() || !isFloor && !inCampaign(lane)) {
                    continue;
                }
                String metric = isFloor ? Cell.WHOLE_TRACE_FLOOR : Cell.WHOLE_TRACE;
                String missing = lane.unavailableReason();
                if (missing == null) {
                    units.add(wholeTrace(lane, metric));
                } else {
                    cells.notRun(lane.laneName(), metric, missing);
                }
            }
            String pgMissing = !campaign.postgres() ? "skipped (--no-postgres)"
                    : cells.threads > 1 ? "a backend is one process of one thread (allocbench hugepages --processes"
                            + " measures PostgreSQL's process model)" : PgInstallation.unavailableReason();
            if (pgMissing == null) {
                units.add(new PgLane());
            } else {
                cells.notRun(PG15_REAL, Cell.WHOLE_TRACE, pgMissing);
            }
        }
        return units;
    }

    /** A C lane runs when its per-op allocator is in the campaign (all of them when the campaign names none). */
    private boolean inCampaign(WholeTraceLane lane) {
        return campaign.allocators() == null || campaign.allocators().contains(lane.perOpName());
    }

    private Unit perOp(String lane, String metric) {
        return new Unit() {
            @Override
            public String name() {
                return lane;
            }

            @Override
            public void run(int fork, List<OpSequence> traces, Cells cells) {
                List<String> names = traces.stream().map(OpSequence::name).toList();
                String hlog = fork == 0 && hlogDirectory != null && cells.threads == 1
                        ? hlogDirectory.toString() : null;
                LaneWorker.Response r;
                try {
                    r = PerOpLaneProcess.run(new LaneWorker.Request(lane, names, campaign.warmup(), campaign.rounds(),
                            cells.threads, hlog, CELL_BUDGET_SECONDS), traces);
                } catch (RuntimeException e) {
                    traces.forEach(t -> cells.failed(lane, t.name(), metric, e.getMessage()));
                    return;
                }
                if (r.unavailable() != null) {
                    cells.notRun(lane, metric, r.unavailable());
                    return;
                }
                if (!r.note().isEmpty() && !metric.equals(Cell.FLOOR)) {
                    notes.put(lane, r.note());
                }
                if (!r.version().isEmpty()) {
                    versions.put(lane, r.version());
                }
                for (LaneWorker.TraceOutcome o : r.traces()) {
                    if (o.notRun() != null) {
                        cells.notRun(lane, o.trace(), metric, o.notRun());
                    } else if (o.failure() != null) {
                        cells.failed(lane, o.trace(), metric, o.failure());
                    } else {
                        cells.add(lane, o.trace(), metric, fork, o.nsPerOp(), o.minorFaults(), o.stats(), o.hlog());
                        if (o.nsPerOp().size() < campaign.rounds()) {
                            cells.cutShort(lane, o.trace(), metric, "fork " + (fork + 1) + ": " + o.nsPerOp().size()
                                    + " of " + campaign.rounds() + " rounds");
                        }
                    }
                }
            }
        };
    }

    private Unit wholeTrace(WholeTraceLane lane, String metric) {
        return new Unit() {
            @Override
            public String name() {
                return lane.laneName();
            }

            @Override
            public void run(int fork, List<OpSequence> all, Cells cells) {
                List<OpSequence> traces = new ArrayList<>();
                for (OpSequence t : all) {
                    String why = lane.cannotReplay(t, cells.threads);
                    if (why == null) {
                        traces.add(t);
                    } else {
                        cells.notRun(lane.laneName(), t.name(), metric, lane.laneName() + ": " + why);
                    }
                }
                if (traces.isEmpty()) {
                    return;
                }
                List<LaneResult> results;
                try {
                    results = WholeTraceRunner.run(lane, traces, campaign.warmup() + campaign.rounds(), cells.threads);
                } catch (RuntimeException e) {
                    traces.forEach(t -> cells.failed(lane.laneName(), t.name(), metric, e.getMessage()));
                    return;
                }
                for (int i = 0; i < traces.size(); i++) {
                    cells.add(lane.laneName(), traces.get(i).name(), metric, fork,
                            results.get(i).from(campaign.warmup()));
                }
            }
        };
    }

    /** pg15-real: one throwaway cluster for the run, started when first needed. */
    private final class PgLane implements Unit, AutoCloseable {
        private PgCluster cluster;
        private String failure;

        @Override
        public String name() {
            return PG15_REAL;
        }

        @Override
        public void run(int fork, List<OpSequence> traces, Cells cells) {
            boolean anyToReplay = traces.stream().anyMatch(t -> PgTraceSupport.cannotReplay(t) == null);
            if (cluster == null && failure == null && anyToReplay) {
                progress.note("starting a throwaway PostgreSQL 15 cluster for the pg15-real lane ...");
                try {
                    cluster = PgCluster.start(PgInstallation.require());
                } catch (RuntimeException e) {
                    failure = "could not start a throwaway PostgreSQL 15 cluster: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
                }
            }
            for (OpSequence t : traces) {
                String why = PgTraceSupport.cannotReplay(t);
                if (why != null) {
                    cells.notRun(PG15_REAL, t.name(), Cell.WHOLE_TRACE, PG15_REAL + ": " + why);
                    continue;
                }
                if (failure != null) {
                    cells.failed(PG15_REAL, t.name(), Cell.WHOLE_TRACE, failure);
                    continue;
                }
                try {
                    LaneResult r = PgReplay.replayWarm(cluster, t, campaign.warmup() + campaign.rounds());
                    cells.add(PG15_REAL, t.name(), Cell.WHOLE_TRACE, fork, r.from(campaign.warmup()));
                } catch (RuntimeException e) {
                    cells.failed(PG15_REAL, t.name(), Cell.WHOLE_TRACE, e.getMessage());
                }
            }
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get(Math.floorMod(i + by, list.size())));
        }
        return out;
    }

    /** The cells being measured: samples, forks and faults per lane x trace x metric x threads. */
    static final class Cells {
        private final Campaign campaign;
        private final Map<CellKey, Acc> cells = new LinkedHashMap<>();
        /** The thread count the cells recorded now belong to. */
        int threads = 1;

        Cells(Campaign campaign) {
            this.campaign = campaign;
        }

        private static final class Acc {
            final String lane;
            final String trace;
            final String metric;
            final int threads;
            final List<Double> samples = new ArrayList<>();
            final List<Integer> forks = new ArrayList<>();
            final List<Long> faults = new ArrayList<>();
            Map<String, Long> stats = Map.of();
            final List<String> files = new ArrayList<>();
            String status = Cell.OK;
            String reason;
            final List<String> cuts = new ArrayList<>();

            Acc(String lane, String trace, String metric, int threads) {
                this.lane = lane;
                this.trace = trace;
                this.metric = metric;
                this.threads = threads;
            }
        }

        private Acc acc(String lane, String trace, String metric) {
            return cells.computeIfAbsent(new CellKey(lane, trace, metric, threads, 1),
                    k -> new Acc(lane, trace, metric, threads));
        }

        void add(String lane, String trace, String metric, int fork, List<Double> ns, List<Long> faults,
                Map<String, Long> stats, String file) {
            Acc a = acc(lane, trace, metric);
            a.samples.addAll(ns);
            ns.forEach(x -> a.forks.add(fork));
            a.faults.addAll(faults.size() == ns.size() ? faults : ns.stream().map(x -> -1L).toList());
            if (!stats.isEmpty()) {
                a.stats = stats;
            }
            if (file != null) {
                a.files.add(file);
            }
        }

        void add(String lane, String trace, String metric, int fork, LaneResult r) {
            List<Double> ns = new ArrayList<>();
            for (long t : r.nsPerIteration()) {
                ns.add(t / (double) r.ops());
            }
            List<Long> faults = new ArrayList<>();
            for (long f : r.minorFaults()) {
                faults.add(f);
            }
            Map<String, Long> stats = new LinkedHashMap<>(stats(r.counters()));
            if (r.process() != null) { // the runner's memory: the malloc peers' only figure, their arenas show here
                stats.put("baseRssBytes", r.process().baseRssBytes());
                stats.put("rssBytes", r.process().rssBytes());
                stats.put("peakRssBytes", r.process().peakRssBytes());
            }
            add(lane, trace, metric, fork, ns, faults, stats, null);
        }

        /** The cell's time budget ended a fork's rounds early ({@link #CELL_BUDGET_SECONDS}). */
        void cutShort(String lane, String trace, String metric, String what) {
            acc(lane, trace, metric).cuts.add(what);
        }

        void failed(String lane, String trace, String metric, String reason) {
            Acc a = acc(lane, trace, metric);
            a.status = Cell.FAILED;
            a.reason = a.reason == null ? reason : a.reason;
        }

        /** The lane cannot replay this trace by design: a not-run cell, whatever other forks measured. */
        void notRun(String lane, String trace, String metric, String reason) {
            Acc a = acc(lane, trace, metric);
            a.status = Cell.NOT_RUN;
            a.reason = reason;
        }

        /** The lane cannot run here: a not-run cell for every trace. */
        void notRun(String lane, String metric, String reason) {
            for (String trace : campaign.traces()) {
                Acc a = acc(lane, trace, metric);
                a.status = Cell.NOT_RUN;
                a.reason = reason;
            }
        }

        List<Cell> all(Map<String, String> notes) {
            List<Cell> out = new ArrayList<>();
            for (Acc a : cells.values()) {
                if (Cell.NOT_RUN.equals(a.status)) {
                    out.add(Cell.notRun(a.lane, a.trace, a.metric, Cell.NOT_RUN, a.reason).at(a.threads, 1));
                    continue;
                }
                boolean ok = Cell.OK.equals(a.status) && !a.samples.isEmpty();
                boolean counted = a.faults.stream().allMatch(f -> f >= 0);
                out.add(ok ? CellSummary.of(Bootstrap.DEFAULT, a.lane, a.trace, a.metric, Cell.NS_PER_OP,
                        budgetNote(a.cuts), a.samples, a.forks, a.stats, a.files, counted ? a.faults : List.of())
                        : new Cell(a.lane, a.trace, a.metric, Cell.NS_PER_OP, Cell.FAILED,
                                a.reason == null ? "no samples" : a.reason, a.samples, a.forks, null, null, null,
                                a.stats, a.files, counted ? a.faults : List.of()));
                out.set(out.size() - 1, out.get(out.size() - 1).at(a.threads, 1));
            }
            return out;
        }
    }

    /** What a cell cut short by its time budget says (its reason, though it is ok), or null. */
    static String budgetNote(List<String> cuts) {
        return cuts.isEmpty() ? null : String.format(Locale.ROOT, "time budget of %.0f s per trace and process: %s",
                CELL_BUDGET_SECONDS, String.join(", ", cuts));
    }

    /** Context counters as results' stats map. */
    public static Map<String, Long> stats(MemoryContextCounters c) {
        return c == null ? Map.of() : LaneWorker.stats(AllocatorStats.of(c));
    }
}
