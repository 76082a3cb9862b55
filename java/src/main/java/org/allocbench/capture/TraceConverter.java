package org.allocbench.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.allocbench.trace.OpSequence;

/**
 * Turns a recording into a version 2 trace (docs/trace-format.md, "Version 2"; docs/recording.md): the
 * threads' records merged by sequence number, each live pointer given a slot ({@link PointerSlots},
 * {@link SlotPool}), each call written as the op it is:
 *
 * <pre>
 *   malloc, realloc(NULL, n), posix_memalign, aligned_alloc, memalign, valloc, pvalloc   a S SIZE
 *   calloc(n, m)                                                                        z S n*m
 *   realloc(p, n)                                                                       r S n
 *   free(p), realloc(p, 0)                                                              f S
 * </pre>
 *
 * Each trace thread ({@link TraceThreads}) gets a context of its own at its first op
 * ({@code c K+1 0 0 8192 8388608 thread-K}, then {@code u K+1}): an AllocSet replay then gives every
 * thread its own context, as a malloc gives every thread its own arena or cache, and a chunk freed by
 * another thread is freed in its own context, after it was allocated (the format orders ops on a slot).
 *
 * <p>What cannot be written as it was is changed or dropped, and counted ({@link Conversion}): a size 0
 * becomes 1; an alignment is lost; a free (or realloc) of a pointer never seen allocated (it was allocated
 * before the recorder was loaded) is dropped (a realloc becomes an {@code a}); an allocation above
 * {@link OpSequence#MAX_SIZE} is dropped with its free.
 */
public final class TraceConverter {

    // the record kinds of ab_record_format.h
    static final int MALLOC = 1;
    static final int CALLOC = 2;
    static final int ALIGNED = 3;
    static final int FREE = 4;
    static final int REALLOC_RELEASE = 5;
    static final int REALLOC_ACQUIRE = 6;
    static final int FORK = 7;
    static final int EXIT = 8;

    /** Each trace thread's context: PostgreSQL's ALLOCSET_DEFAULT_SIZES, no minimum. */
    static final long CONTEXT_INIT = 8192;
    static final long CONTEXT_MAX = 8 * 1024 * 1024;

    // what a realloc's release left for its acquire, per recorded thread (else a slot)
    private static final int NO_RELEASE = -1;
    private static final int RELEASED_UNKNOWN = -2;
    private static final int RELEASED_HUGE = -3;

    private final TraceBody body;
    private final TraceThreads threads;
    private final PointerSlots live = new PointerSlots();
    private final SlotPool pool = new SlotPool();
    /** Pointers of allocations dropped for their size: their free is dropped too. Rare, so boxed. */
    private final Set<Long> huge = new HashSet<>();
    private final int[] pending;
    private final boolean[] created = new boolean[org.allocbench.trace.Placement.MAX_THREADS];
    private int contextsCreated;

    private boolean exited;
    private long forks;
    private long records;
    private long allocs;
    private long zeroed;
    private long reallocs;
    private long frees;
    private long aligned;
    private long maxAlignment;
    private long zeroSize;
    private long unknownFrees;
    private long unknownReallocs;
    private long hugeDropped;
    private long lostFrees;
    private long unknownRecords;

    private TraceConverter(TraceBody body, RawRecording recording) {
        this.body = body;
        int maxIndex = -1;
        for (RawRecording.ThreadChunks t : recording.threads()) {
            maxIndex = Math.max(maxIndex, t.index);
        }
        long[] lastSeq = new long[maxIndex + 1];
        for (RawRecording.ThreadChunks t : recording.threads()) {
            lastSeq[t.index] = t.lastSeq;
        }
        this.threads = new TraceThreads(lastSeq);
        this.pending = new int[maxIndex + 1];
        java.util.Arrays.fill(pending, NO_RELEASE);
    }

    /**
     * Converts a recording into the trace file {@code output} (gzip if it ends in .gz), with the comment
     * lines given and a summary of the conversion's own; the body goes through a file in {@code scratch}
     * first, removed after. On failure the output is removed.
     */
    public static Conversion convert(RawRecording recording, Path output, List<String> comments, Path scratch)
            throws IOException {
        Path bodyFile = Files.createTempFile(scratch, "body-", ".trace");
        boolean written = false;
        try {
            TraceConverter c;
            long duplicates;
            try (TraceBody body = new TraceBody(new BufferedOutputStream(Files.newOutputStream(bodyFile), 1 << 16))) {
                c = new TraceConverter(body, recording);
                duplicates = RecordMerge.run(recording, c::record);
            }
            int traceThreads = Math.max(1, c.contextsCreated);
            Conversion partial = c.result(recording, duplicates, traceThreads, 0);
            List<String> all = new ArrayList<>(comments);
            all.addAll(summary(partial));
            TraceFile.write(output, all, c.pool.slots(), c.contextsCreated + 1, traceThreads, bodyFile);
            written = true;
            return c.result(recording, duplicates, traceThreads, Files.size(output));
        } finally {
            Files.deleteIfExists(bodyFile);
            if (!written) {
                Files.deleteIfExists(output);
            }
        }
    }

    private Conversion result(RawRecording r, long duplicates, int traceThreads, long bytes) {
        return new Conversion(r.executable(), r.pid(), records, duplicates, r.damage(), exited, forks, allocs, zeroed,
                reallocs, frees, contextsCreated, pool.slots(), pool.peakLive(), traceThreads,
                threads.recordedThreads(), threads.reused(), threads.folded(), aligned, maxAlignment, zeroSize, unknownFrees,
                unknownReallocs, hugeDropped, lostFrees, unknownRecords, bytes);
    }

    /** The comment lines a converted trace carries about its conversion. */
    static List<String> summary(Conversion c) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "ops: a %d, z %d, r %d, f %d, c %d; %d recorded threads on %d trace"
                + " threads (%d reusing an ended one's, %d folded onto a busy one); peak live %d chunks in %d slots",
                c.allocs(), c.zeroed(), c.reallocs(), c.frees(), c.contexts(), c.recordedThreads(), c.traceThreads(),
                c.reused(), c.folded(), c.peakLive(), c.slots()));
        lines.add(String.format(Locale.ROOT, "changed: %d aligned allocations as plain a (alignment lost), %d"
                + " size-0 allocations as size 1, %d reallocs of unknown pointers as a", c.aligned(), c.zeroSize(),
                c.unknownReallocs()));
        lines.add(String.format(Locale.ROOT, "dropped: %d frees of pointers allocated before recording, %d"
                + " allocations above 1073741823 bytes (and their frees); %d frees never recorded written where"
                + " the pointer came back", c.unknownFrees(), c.hugeDropped(), c.lostFrees()));
        if (!c.exited()) {
            lines.add("incomplete: the process ended without its exit handlers; each thread's last records"
                    + " (up to 4096) are missing");
        }
        return lines;
    }

    private void record(int thread, int op, long seq, long ptr, long size, int aux) throws IOException {
        records++;
        switch (op) {
            case MALLOC -> allocate(thread, seq, ptr, size, 'a');
            case CALLOC -> allocate(thread, seq, ptr, size, 'z');
            case ALIGNED -> {
                aligned++;
                maxAlignment = Math.max(maxAlignment, Integer.toUnsignedLong(aux));
                allocate(thread, seq, ptr, size, 'a');
            }
            case FREE -> release(thread, seq, ptr);
            case REALLOC_RELEASE -> pending[thread] = detach(ptr);
            case REALLOC_ACQUIRE -> reacquire(thread, seq, ptr, size);
            case FORK -> forks++;
            case EXIT -> exited = true;
            default -> unknownRecords++;
        }
    }

    /** The trace thread of a recorded thread's op, given (with its context) at its first op. */
    private int place(int recorded, long seq) throws IOException {
        int t = threads.assigned(recorded) ? threads.of(recorded) : threads.assign(recorded, seq);
        body.thread(t);
        if (!created[t]) {
            created[t] = true;
            contextsCreated++;
            body.create(t + 1, 0, 0, CONTEXT_INIT, CONTEXT_MAX, "thread-" + t);
            body.use(t + 1);
        }
        return t;
    }

    private void allocate(int recorded, long seq, long ptr, long size, char kind) throws IOException {
        if (huge.remove(ptr)) {
            lostFrees++; // a dropped huge chunk's address came back: its free was not recorded
        }
        int stale = live.remove(ptr);
        if (stale != PointerSlots.ABSENT) {
            lostFrees++;
            int t = place(recorded, seq);
            body.free(stale);
            frees++;
            pool.give(t, stale);
        }
        if (size > OpSequence.MAX_SIZE || size < 0) {
            huge.add(ptr);
            hugeDropped++;
            return;
        }
        if (size == 0) {
            zeroSize++;
            size = 1;
        }
        int t = place(recorded, seq);
        int slot = pool.take(t);
        live.put(ptr, slot);
        body.sized(kind, slot, size);
        if (kind == 'z') {
            zeroed++;
        } else {
            allocs++;
        }
    }

    private void release(int recorded, long seq, long ptr) throws IOException {
        int slot = live.remove(ptr);
        if (slot != PointerSlots.ABSENT) {
            int t = place(recorded, seq);
            body.free(slot);
            frees++;
            pool.give(t, slot);
        } else if (!huge.remove(ptr)) {
            unknownFrees++;
        }
    }

    /** A realloc gave up {@code ptr}: its slot stays full until the new pointer comes (or is freed). */
    private int detach(long ptr) {
        int slot = live.remove(ptr);
        if (slot != PointerSlots.ABSENT) {
            return slot;
        }
        return huge.remove(ptr) ? RELEASED_HUGE : RELEASED_UNKNOWN;
    }

    private void reacquire(int recorded, long seq, long ptr, long size) throws IOException {
        int from = pending[recorded];
        pending[recorded] = NO_RELEASE;
        if (from < 0) {
            // the old pointer was never seen (or was dropped for its size): the new chunk is a new allocation
            if (ptr == 0) {
                if (from != RELEASED_HUGE) {
                    unknownFrees++;
                }
                return;
            }
            if (from != RELEASED_HUGE) {
                unknownReallocs++;
            }
            allocate(recorded, seq, ptr, size, 'a');
            return;
        }
        int t = place(recorded, seq);
        if (ptr == 0 || size > OpSequence.MAX_SIZE || size < 0) {
            body.free(from); // realloc(p, 0) freed it; or it grew beyond what a trace can hold
            frees++;
            pool.give(t, from);
            if (ptr != 0) {
                huge.add(ptr);
                hugeDropped++;
            }
            return;
        }
        int stale = live.remove(ptr);
        if (stale != PointerSlots.ABSENT) {
            lostFrees++;
            body.free(stale);
            frees++;
            pool.give(t, stale);
        }
        huge.remove(ptr);
        if (size == 0) {
            zeroSize++;
            size = 1;
        }
        live.put(ptr, from);
        body.sized('r', from, size);
        reallocs++;
    }
}
