package org.allocbench.campaign;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorStats;
import org.allocbench.alloc.NativeAllocSetAllocator;
import org.allocbench.measure.HlogFiles;
import org.allocbench.measure.LatencyMode;
import org.allocbench.measure.LatencyRecorder;
import org.allocbench.measure.VerifiedSegment;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.nativecore.SegmentBlockSource;
import org.allocbench.nativecore.SegmentKind;
import org.allocbench.nativecore.SharedSegment;
import org.allocbench.owned.ParentWatch;
import org.allocbench.replay.PerOpLanes;
import org.allocbench.replay.NotApplicable;
import org.allocbench.replay.PerOpRounds;
import org.allocbench.replay.TraceReplay;
import org.allocbench.results.ResultsStore;
import org.allocbench.trace.OpSequence;

/**
 * The child JVM of one per-op lane and fork: replays every trace of the
 * campaign through one allocator (or floor), so the replay loop's interface
 * calls see one class and inline, as in a JMH fork, and no allocator runs in
 * a JVM another allocator has warmed or fragmented. The campaign starts one
 * per lane and fork ({@link PerOpLaneProcess}), in a rotating order.
 *
 * <p>Protocol: the first line of standard input is a {@link Request} in JSON,
 * followed by its traces ({@link OpSequence#writeTo}: the parent's own ops,
 * so every process replays exactly the same trace, whatever made it); the
 * worker runs {@link PerOpRounds} for each trace in the order given and
 * prints its {@link Response} as one line of JSON after {@value #RESULT_MARK}.
 * Nothing goes through files, so a killed campaign leaves none behind; and
 * when standard input closes (the parent is gone) the worker halts at once,
 * so it leaves no process running either.
 */
public final class LaneWorker {

    /** The exit status of a worker that failed (its stderr says why) or whose parent went away. */
    static final int FAILED = 3;
    /** What precedes the response on the worker's standard output. */
    static final String RESULT_MARK = "allocbench-lane-result ";

    /**
     * What the parent asks: the lane, the names of the traces that follow the request on standard input (in
     * that order), the iterations, {@code hlogDir}: where to write one per-op latency histogram per trace,
     * or null, and {@code budgetSeconds}: each trace's time budget ({@link PerOpRounds}; 0: none).
     */
    public record Request(String lane, List<String> traces, int warmup, int rounds, int threads, String hlogDir,
            double budgetSeconds) {

        public Request(String lane, List<String> traces, int warmup, int rounds, int threads, String hlogDir) {
            this(lane, traces, warmup, rounds, threads, hlogDir, 0);
        }
    }

    /**
     * One trace's measurements, or its failure, or why the lane cannot replay it by design ({@code notRun}:
     * {@link NotApplicable}'s reason; a not-run cell, not a failed one).
     */
    public record TraceOutcome(String trace, List<Double> nsPerOp, List<Long> minorFaults, Map<String, Long> stats,
            String hlog, String failure, String notRun) {

        public TraceOutcome(String trace, List<Double> nsPerOp, List<Long> minorFaults, Map<String, Long> stats,
                String hlog, String failure) {
            this(trace, nsPerOp, minorFaults, stats, hlog, failure, null);
        }
    }

    /** What the worker measured; {@code unavailable} (the lane cannot run here, and why) or one outcome per trace. */
    public record Response(String lane, String version, String note, String unavailable, List<TraceOutcome> traces) {
    }

    private LaneWorker() {
    }

    public static void main(String[] args) {
        try {
            String line = readLine(System.in);
            if (line == null || line.isBlank()) {
                System.err.println("lane worker: no request on standard input (it is started by allocbench run)");
                System.exit(2);
            }
            Request request = ResultsStore.json().readValue(line, Request.class);
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(System.in));
            List<OpSequence> traces = new ArrayList<>();
            for (String name : request.traces()) {
                traces.add(OpSequence.readFrom(in, name));
            }
            // the parent closed stdin, or died: halt, there is nothing to save
            ParentWatch.exitAtEndOf(in, FAILED, false);
            String response = ResultsStore.oneLine(run(request, traces));
            System.out.println(RESULT_MARK + response);
            System.out.flush();
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            System.err.println("lane worker: " + e);
            System.exit(FAILED);
        }
    }

    /** One line of {@code in}, read byte by byte so nothing after it is buffered away from the watcher. */
    private static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs the request over its traces in this JVM (the child's work; tests call it directly). */
    static Response run(Request request, List<OpSequence> traces) {
        String unavailable;
        try {
            unavailable = isSegmentLane(request.lane()) ? null : PerOpLanes.unavailableReason(request.lane());
        } catch (IllegalArgumentException e) {
            unavailable = e.getMessage();
        }
        if (unavailable != null) {
            return new Response(request.lane(), "", "", unavailable, List.of());
        }
        SegmentLane segmentLane = null;
        try {
            List<TraceOutcome> outcomes = new ArrayList<>();
            String version = "";
            String note = "";
            for (OpSequence ops : traces) {
                IntFunction<PerOpRounds.Body> bodies;
                try {
                    if (isSegmentLane(request.lane()) && segmentLane == null) {
                        segmentLane = new SegmentLane(request.lane(), request.threads());
                    }
                    bodies = segmentLane != null ? PerOpRounds.allocator(ops, segmentLane::nextThreadContexts)
                            : PerOpLanes.bodies(request.lane(), ops);
                } catch (RuntimeException e) {
                    return new Response(request.lane(), "", "", String.valueOf(e.getMessage()), List.of());
                }
                try {
                    PerOpRounds.Outcome o = PerOpRounds.run(bodies, ops.length(), request.warmup(), request.rounds(),
                            request.threads(), (long) (request.budgetSeconds() * 1e9));
                    version = o.version().isEmpty() ? version : o.version();
                    note = o.note().isEmpty() ? note : o.note();
                    String hlog = request.hlogDir() == null || request.threads() != 1 || segmentLane != null
                            || PerOpLanes.isFloor(request.lane()) ? null : latency(request, ops);
                    outcomes.add(new TraceOutcome(ops.name(), o.nsPerOp(), o.minorFaults(), stats(o.stats()), hlog,
                            null));
                } catch (RuntimeException | Error e) {
                    NotApplicable byDesign = notApplicable(e);
                    outcomes.add(byDesign != null
                            ? new TraceOutcome(ops.name(), List.of(), List.of(), Map.of(), null, null,
                                    request.lane() + ": " + byDesign.getMessage() + " (trace " + ops.name() + ")")
                            : new TraceOutcome(ops.name(), List.of(), List.of(), Map.of(), null,
                                    e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            }
            return new Response(request.lane(), version, note, null, outcomes);
        } finally {
            if (segmentLane != null) {
                segmentLane.close();
            }
        }
    }

    /** The NotApplicable that {@code e} is or was caused by (a replay thread may wrap it), or null. */
    private static NotApplicable notApplicable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotApplicable n) {
                return n;
            }
        }
        return null;
    }

    private static boolean isSegmentLane(String lane) {
        return lane.startsWith(InterleavedRunner.SEGMENT_PREFIX);
    }

    /**
     * The native AllocSet with its blocks on a shared segment of one page mode
     * ({@code aset-native-segment@2m}, ...): the segment is mapped once per
     * worker, and each replay thread gets a block source on a slice of its own
     * (a source is single-threaded), reused from trace to trace.
     */
    private static final class SegmentLane implements AutoCloseable {
        private final SharedSegment segment;
        private final long slice;
        private final int threads;
        private final List<SegmentBlockSource> sources = new ArrayList<>();
        private int nextThread;

        SegmentLane(String lane, int threads) {
            String mode = lane.substring(InterleavedRunner.SEGMENT_PREFIX.length());
            this.segment = VerifiedSegment.open(SegmentKind.ANONYMOUS, PageMapping.byLabel(mode),
                    InterleavedRunner.SEGMENT_BYTES);
            this.slice = segment.memory().byteSize() / threads & ~4095L;
            this.threads = threads;
        }

        /** Contexts for the next replay thread of a cell (threads are numbered afresh for each trace). */
        synchronized Supplier<Allocator> nextThreadContexts() {
            int thread = nextThread++ % threads;
            while (sources.size() <= thread) {
                sources.add(new SegmentBlockSource(segment.memory().asSlice(sources.size() * slice, slice)));
            }
            SegmentBlockSource source = sources.get(thread);
            return () -> new NativeAllocSetAllocator(AllocSetSizes.DEFAULT, source);
        }

        @Override
        public void close() {
            sources.forEach(SegmentBlockSource::close);
            segment.close();
        }
    }

    /**
     * One per-op latency replay after the timed rounds (not timed itself: a
     * clock read around every op costs more than many ops), written to
     * {@code hlogDir/<lane>__<trace>.hlog}; the file's path relative to the run
     * directory (hlogDir's parent), or null if it could not be written.
     */
    private static String latency(Request request, OpSequence ops) {
        Path dir = Path.of(request.hlogDir());
        String file = HlogFiles.fileName(request.lane(), ops.name());
        try (Allocator a = PerOpLanes.contexts(request.lane(), ops).get(); TraceReplay replay = TraceReplay.of(ops)) {
            Histogram h = LatencyRecorder.newHistogram();
            h.setStartTimeStamp(System.currentTimeMillis());
            new LatencyRecorder(LatencyMode.PER_OP, 1).replay(a, replay, h); // refuses a trace of several threads
            h.setEndTimeStamp(Math.max(h.getStartTimeStamp(), System.currentTimeMillis()));
            Files.createDirectories(dir);
            HlogFiles.write(dir.resolve(file), h, List.of("allocbench run: " + request.lane() + " x " + ops.name()
                    + ", per-op latency (each value includes one System.nanoTime pair)"));
            return dir.getFileName() + "/" + file;
        } catch (IOException | RuntimeException e) {
            return null; // latency is a bonus; the timed cell stands without it
        }
    }

    /** AllocatorStats as results' stats map: only the figures known. */
    static Map<String, Long> stats(AllocatorStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        s.totalBytes().ifPresent(v -> m.put("totalBytes", v));
        s.blocks().ifPresent(v -> m.put("blocks", v));
        s.freeChunks().ifPresent(v -> m.put("freeChunks", v));
        s.freeBytes().ifPresent(v -> m.put("freeBytes", v));
        s.usedBytes().ifPresent(v -> m.put("usedBytes", v));
        return m;
    }

}
