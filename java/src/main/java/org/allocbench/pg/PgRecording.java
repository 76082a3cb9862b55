package org.allocbench.pg;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.allocbench.trace.ContextSpec;
import org.allocbench.trace.Expectation;
import org.allocbench.trace.IntList;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Placement;
import org.allocbench.trace.TraceSimulation;

/**
 * One backend's raw recording (native/pgext/record.c, record_pg_format.h) converted into a version 2 trace
 * of one thread: contexts get ids in creation order (1, 2, ...; the contexts that existed before recording
 * are the root, 0), chunks get slots (a freed slot is reused, lowest first), and PostgreSQL's counters become
 * expectations. The trace's own rules ({@link TraceSimulation}) run alongside, so a reset or delete empties
 * exactly the slots the replay will, and the result is a valid trace by construction.
 *
 * <p>What cannot be expressed is left out and counted, never guessed: allocations above MaxAllocSize
 * (PostgreSQL's "huge" ones) and their frees; frees and resizes of chunks the recording never saw allocated
 * (a resize becomes an allocation of the new size); a context that PostgreSQL moved to another parent
 * (MemoryContextSetParent) and whose old parent was then reset or deleted (the format has no re-parenting:
 * from then on its operations and counters are left out). {@code palloc(0)} is recorded as size 1: the same
 * chunk (the smallest class holds 1 to 8 bytes), so the counters do not change.
 */
public final class PgRecording {

    static final long MAGIC = 0xAB7ACE5047310001L;
    static final int HEADER = 1;
    static final int CREATE = 2;
    static final int ALLOC = 3;
    static final int FREE = 4;
    static final int REALLOC = 5;
    static final int RESET = 6;
    static final int DELETE = 7;
    static final int EXPECT = 8;
    static final int END = 9;
    static final int RECORD_BYTES = 48;

    /**
     * What a conversion made and left out.
     *
     * @param ops          the trace
     * @param pid          the backend's process id
     * @param complete     the recording has its end record (the backend exited normally)
     * @param olderOps     operations on contexts older than the recording, left out (counted by the backend)
     * @param hugeDropped  allocations above MaxAllocSize left out, with their frees and resizes
     * @param unknownFrees frees of chunks the recording never saw allocated, left out
     * @param unknownReallocs resizes of such chunks, recorded as allocations
     * @param movedOps     operations (and counters) on contexts moved to another parent, left out
     * @param zeroSizes    palloc(0) recorded as size 1
     */
    public record Conversion(OpSequence ops, long pid, boolean complete, long olderOps, long hugeDropped,
            long unknownFrees, long unknownReallocs, long movedOps, long zeroSizes) {
    }

    private final String name;
    private final Map<Long, Integer> contextIds = new HashMap<>();
    private final Set<Long> moved = new HashSet<>();
    /** The context table, with room to grow: entries up to {@link #contextCount} are the trace's. */
    private ContextSpec[] specs = new ContextSpec[64];
    private int contextCount = 1;
    private final Map<Long, Integer> slotOf = new HashMap<>();
    private long[] pointerOf = new long[64];
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private int slotCount;
    private final IntList released = new IntList();
    private final TraceSimulation sim;
    private long[] ops = new long[1024];
    private int[] where = new int[1024];
    private int n;
    private final List<Expectation> expectations = new ArrayList<>();
    private final Set<Long> hugePointers = new HashSet<>();
    private long hugeDropped;
    private long unknownFrees;
    private long unknownReallocs;
    private long movedOps;
    private long zeroSizes;

    private PgRecording(String name) {
        this.name = name;
        specs[0] = ContextSpec.ROOT;
        sim = new TraceSimulation(64, specs);
    }

    /** Converts one raw file; the trace is named {@code name}. */
    public static Conversion convert(Path raw, String name) throws IOException {
        try (InputStream in = Files.newInputStream(raw)) {
            return new PgRecording(name).read(new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16)),
                    raw);
        }
    }

    private Conversion read(DataInputStream in, Path raw) throws IOException {
        byte[] bytes = new byte[RECORD_BYTES];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long pid = -1;
        long older = 0;
        boolean complete = false;
        boolean first = true;
        while (true) {
            try {
                in.readFully(bytes);
            } catch (EOFException e) {
                break;
            }
            int kind = b.getInt(0);
            int len = b.getInt(4);
            long context = b.getLong(8);
            long v0 = b.getLong(16);
            long v1 = b.getLong(24);
            long v2 = b.getLong(32);
            long v3 = b.getLong(40);
            if (first && (kind != HEADER || v0 != MAGIC)) {
                throw new IOException(raw + ": not an allocbench PostgreSQL recording (no header record)");
            }
            first = false;
            switch (kind) {
                case HEADER -> pid = v1;
                case CREATE -> {
                    byte[] text = new byte[(len + 7) & ~7];
                    in.readFully(text);
                    create(context, v0, v1, v2, v3, new String(text, 0, Math.min(len, text.length),
                            StandardCharsets.ISO_8859_1));
                }
                case ALLOC -> alloc(context, v0, v1);
                case FREE -> free(context, v0);
                case REALLOC -> realloc(context, v0, v1, v2);
                case RESET -> release(context, false);
                case DELETE -> release(context, true);
                case EXPECT -> expect(context, v0, v1, v2, v3);
                case END -> {
                    older = v0;
                    complete = v1 == 0;
                }
                default -> throw new IOException(raw + ": unknown record kind " + kind + " after " + n + " ops");
            }
        }
        ContextSpec[] table = Arrays.copyOf(specs, contextCount);
        OpSequence sequence = new OpSequence(name, Math.max(1, slotCount), Arrays.copyOf(ops, n),
                new Placement(1, Arrays.copyOf(where, n), table, expectations));
        return new Conversion(sequence, pid, complete, older, hugeDropped, unknownFrees, unknownReallocs,
                movedOps, zeroSizes);
    }

    private void create(long address, long parentAddress, long min, long init, long max, String rawName) {
        Integer parent = parentAddress == 0 ? Integer.valueOf(0) : contextIds.get(parentAddress);
        if (parent == null || moved.contains(parentAddress)) {
            moved.add(address); // its parent is out of the trace, so it is too
            return;
        }
        int id = contextCount++;
        if (id == specs.length) {
            if (id == Placement.MAX_CONTEXTS - 1) {
                throw new IllegalStateException("more than " + (Placement.MAX_CONTEXTS - 1) + " contexts");
            }
            specs = Arrays.copyOf(specs, Math.min(id * 2, Placement.MAX_CONTEXTS));
            sim.grow(pointerOf.length, specs);
        }
        specs[id] = new ContextSpec(parent, min, init, max, contextName(rawName));
        contextIds.put(address, id);
        moved.remove(address);
        check(sim.create(id));
        add(OpSequence.encode(OpSequence.CREATE, 0, 0), id);
    }

    /** A name the format takes: printable ASCII, single spaces, no space at either end, 1..64 characters. */
    static String contextName(String raw) {
        StringBuilder sb = new StringBuilder();
        for (char c : raw.toCharArray()) {
            char shown = c >= 0x20 && c <= 0x7e ? c : '?';
            if (shown == ' ' && (sb.isEmpty() || sb.charAt(sb.length() - 1) == ' ')) {
                continue;
            }
            sb.append(shown);
        }
        String s = sb.toString().strip();
        return s.isEmpty() ? "?" : s.length() > 64 ? s.substring(0, 64).strip() : s;
    }

    /** The context's id, or -1 if its operations are left out (counted). */
    private int contextOf(long address) {
        Integer id = contextIds.get(address);
        if (id == null) {
            movedOps++;
            return -1;
        }
        return id;
    }

    private void alloc(long address, long pointer, long size) {
        int context = contextOf(address);
        if (context < 0) {
            return;
        }
        if (size > OpSequence.MAX_SIZE) {
            hugeDropped++;
            hugePointers.add(pointer);
            return;
        }
        Integer stale = slotOf.remove(pointer);
        if (stale != null) {
            // a chunk whose free went unseen: the address is back, so the old chunk is gone
            int chunkContext = sim.chunkContext(stale);
            check(sim.free(stale));
            add(OpSequence.encode(OpSequence.FREE, stale, 0), chunkContext);
            freeSlots.addFirst(stale);
            unknownFrees++;
        }
        if (size == 0) {
            zeroSizes++;
            size = 1;
        }
        int slot = newSlot(pointer);
        check(sim.alloc(slot, context, size));
        add(OpSequence.encode(OpSequence.ALLOC, slot, size), context);
    }

    private void free(long address, long pointer) {
        if (hugePointers.remove(pointer)) {
            return;
        }
        Integer slot = slotOf.remove(pointer);
        if (slot == null) {
            if (contextIds.containsKey(address)) {
                unknownFrees++;
            } else {
                movedOps++;
            }
            return;
        }
        int context = sim.chunkContext(slot);
        check(sim.free(slot));
        add(OpSequence.encode(OpSequence.FREE, slot, 0), context);
        freeSlots.addFirst(slot);
    }

    private void realloc(long address, long oldPointer, long newPointer, long size) {
        boolean huge = hugePointers.remove(oldPointer);
        Integer slot = slotOf.get(oldPointer);
        if (slot == null) {
            if (!huge && contextIds.containsKey(address)) {
                unknownReallocs++;
            }
            alloc(address, newPointer, size);
            return;
        }
        if (size > OpSequence.MAX_SIZE) {
            // grown past MaxAllocSize: the chunk leaves the trace here, as a free
            hugeDropped++;
            hugePointers.add(newPointer);
            free(address, oldPointer);
            return;
        }
        slotOf.remove(oldPointer);
        slotOf.put(newPointer, slot);
        pointerOf[slot] = newPointer;
        check(sim.resize(slot, Math.max(1, size)));
        add(OpSequence.encode(OpSequence.REALLOC, slot, Math.max(1, size)), sim.chunkContext(slot));
    }

    /** A reset ({@code delete} false) or delete of a context: its subtree's chunks leave, dead contexts too. */
    private void release(long address, boolean delete) {
        int context = contextOf(address);
        if (context < 0) {
            if (delete) {
                moved.remove(address); // the address may come back as a new context
            }
            return;
        }
        released.clear();
        check(delete ? sim.delete(context, released) : sim.reset(context, released));
        add(OpSequence.encode(delete ? OpSequence.DELETE : OpSequence.RESET, 0, 0), context);
        for (int k = 0; k < released.size(); k++) {
            int slot = released.get(k);
            slotOf.remove(pointerOf[slot]);
            freeSlots.addFirst(slot);
        }
        if (delete) {
            contextIds.remove(address);
        }
        // contexts the trace just killed but PostgreSQL did not (moved elsewhere before): out from here on
        contextIds.entrySet().removeIf(e -> {
            if (!sim.live(e.getValue())) {
                moved.add(e.getKey());
                return true;
            }
            return false;
        });
    }

    private void expect(long address, long total, long blocks, long freeChunks, long free) {
        Integer id = contextIds.get(address);
        if (id == null) {
            return; // a context out of the trace: its counters mean nothing here
        }
        expectations.add(new Expectation(n, id, total, blocks, freeChunks, free));
    }

    private int newSlot(long pointer) {
        int slot;
        if (freeSlots.isEmpty()) {
            slot = slotCount++;
            if (slot == OpSequence.MAX_SLOTS) {
                throw new IllegalStateException("more than " + OpSequence.MAX_SLOTS + " chunks live at once");
            }
            if (slot == pointerOf.length) {
                pointerOf = Arrays.copyOf(pointerOf, slot * 2);
                sim.grow(pointerOf.length, specs);
            }
        } else {
            slot = freeSlots.removeFirst();
        }
        slotOf.put(pointer, slot);
        pointerOf[slot] = pointer;
        return slot;
    }

    private void add(long op, int context) {
        if (n == ops.length) {
            ops = Arrays.copyOf(ops, n * 2);
            where = Arrays.copyOf(where, n * 2);
        }
        ops[n] = op;
        where[n] = Placement.encode(context, 0);
        n++;
    }

    private static void check(String problem) {
        if (problem != null) {
            throw new IllegalStateException("the recording breaks the trace's rules: " + problem);
        }
    }
}
