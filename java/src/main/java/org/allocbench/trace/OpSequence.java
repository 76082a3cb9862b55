package org.allocbench.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A sequence of memory-context operations (the trace format's ops, see
 * docs/trace-format.md), held as one {@code long} per op so that a replay
 * loop of millions of ops touches no Java objects and a native replayer can
 * read the same array directly:
 *
 * <pre>
 *   bits  0..2   kind: ALLOC 1, ALLOC_ZEROED 2, REALLOC 3, FREE 4, RESET 5, and in version 2
 *                CREATE 6 (c) and DELETE 7 (d) (0 is never valid)
 *   bits  3..26  slot (24 bits: the format allows at most 2^24 slots)
 *   bits 27..56  size (30 bits: the format's sizes are 1..1073741823); 0 for f and R
 * </pre>
 *
 * A version 2 trace (contexts and threads) also has a {@link Placement}: per op its context and thread,
 * the context table and the expectations; R, c and d carry their context there, never in the word (their
 * slot and size are 0). A version 1 trace has none.
 *
 * Ten million ops take 80 MB. Encoding does not validate trace semantics
 * (empty or full slots): the parser and the generators guarantee those.
 */
public final class OpSequence {

    public static final byte ALLOC = 1;
    public static final byte ALLOC_ZEROED = 2;
    public static final byte REALLOC = 3;
    public static final byte FREE = 4;
    public static final byte RESET = 5;
    /** Version 2's {@code c}: create the context of the op's placement. */
    public static final byte CREATE = 6;
    /** Version 2's {@code d}: delete the context of the op's placement, with its descendants. */
    public static final byte DELETE = 7;

    /** The most slots a trace may declare (2^24). */
    public static final int MAX_SLOTS = 1 << 24;
    /** The largest size an op may carry: PostgreSQL's MaxAllocSize. */
    public static final long MAX_SIZE = 0x3fffffffL;

    private static final int SLOT_SHIFT = 3;
    private static final int SIZE_SHIFT = 27;
    private static final long KIND_MASK = 0x7;
    private static final long SLOT_MASK = MAX_SLOTS - 1;

    private final String name;
    private final int slots;
    private final long[] ops;
    /** Version 2's contexts and threads; null for a version 1 trace. */
    private final Placement placement;

    /** Wraps encoded ops (see the class comment); {@code ops} is not copied. A version 1 trace. */
    public OpSequence(String name, int slots, long[] ops) {
        this(name, slots, ops, null);
    }

    /**
     * Wraps encoded ops with their placement (a version 2 trace; null: version 1). Nothing is copied; the
     * placement must have one word per op.
     */
    public OpSequence(String name, int slots, long[] ops, Placement placement) {
        if (placement != null && placement.where().length != ops.length) {
            throw new IllegalArgumentException("a placement of " + placement.where().length + " words for "
                    + ops.length + " ops");
        }
        this.placement = placement;
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be 1.." + MAX_SLOTS + ", not " + slots);
        }
        this.name = name;
        this.slots = slots;
        this.ops = ops;
    }

    /**
     * One op in the encoding of the class comment. An allocating op's size must be 1..MAX_SIZE: the
     * replayers touch a chunk's last byte ({@code address + size - 1}), so a size of 0 would write one
     * byte before the chunk. A free or reset carries no size (0).
     */
    public static long encode(byte kind, int slot, long size) {
        boolean sized = kind == ALLOC || kind == ALLOC_ZEROED || kind == REALLOC;
        boolean sizeFits = sized ? size >= 1 && size <= MAX_SIZE : size == 0;
        if (kind < ALLOC || kind > DELETE || slot < 0 || slot >= MAX_SLOTS || !sizeFits) {
            throw new IllegalArgumentException("cannot encode op kind " + kind + ", slot " + slot + ", size " + size);
        }
        return kind | ((long) slot << SLOT_SHIFT) | (size << SIZE_SHIFT);
    }

    public String name() {
        return name;
    }

    /** Version 2's contexts and threads, or null for a version 1 trace (one context, one thread). */
    public Placement placement() {
        return placement;
    }

    /** The format version this sequence needs: 2 when it has a placement. */
    public int version() {
        return placement == null ? 1 : 2;
    }

    /** Pointer slots a replay needs. */
    public int slots() {
        return slots;
    }

    public int length() {
        return ops.length;
    }

    public byte kind(int i) {
        return (byte) (ops[i] & KIND_MASK);
    }

    public int slot(int i) {
        return (int) ((ops[i] >>> SLOT_SHIFT) & SLOT_MASK);
    }

    public long size(int i) {
        return ops[i] >>> SIZE_SHIFT;
    }

    /** The encoded ops themselves (not a copy): for native replay and writers. */
    public long[] encoded() {
        return ops;
    }

    /** First word of a version 2 encoded file (native/include/ab_trace_file.h): never a valid op word. */
    static final long ENCODED_MAGIC2 = 0xAB7ACE0000000002L;

    /**
     * Writes the trace for the native child programs (the whole-trace runner), as
     * native/include/ab_trace_file.h reads it. Version 1: the encoded ops as little-endian 64-bit words,
     * nothing else. Version 2: a header (magic, op count, context count, thread count), the ops, the
     * placement words (padded to 8 bytes) and the context table (parent, name length, the three sizes, the
     * name padded to 8 bytes; an id never created, and the root, have parent 0xffffffff).
     */
    public Path writeEncoded(Path file) throws java.io.IOException {
        if (placement == null) {
            ByteBuffer buffer = ByteBuffer.allocate(ops.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asLongBuffer().put(ops);
            return Files.write(file, buffer.array());
        }
        ContextSpec[] contexts = placement.contexts();
        byte[][] names = new byte[contexts.length][];
        long bytes = 24L + 12L * ops.length + (ops.length % 2 == 0 ? 0 : 4);
        for (int id = 0; id < contexts.length; id++) {
            names[id] = contexts[id] == null || contexts[id].isRoot() ? new byte[0]
                    : contexts[id].name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            bytes += 32 + (names[id].length + 7L) / 8 * 8;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new java.io.IOException("trace " + name + " is too large to hand over (" + bytes + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(ENCODED_MAGIC2).putLong(ops.length).putInt(contexts.length).putInt(placement.threads());
        buffer.asLongBuffer().put(ops);
        buffer.position(buffer.position() + ops.length * Long.BYTES);
        buffer.asIntBuffer().put(placement.where());
        buffer.position(buffer.position() + ops.length * Integer.BYTES + (ops.length % 2 == 0 ? 0 : 4));
        for (int id = 0; id < contexts.length; id++) {
            ContextSpec c = contexts[id];
            boolean real = c != null && !c.isRoot();
            buffer.putInt(real ? c.parent() : -1).putInt(names[id].length);
            buffer.putLong(real ? c.minContextSize() : 0).putLong(real ? c.initBlockSize() : 0)
                    .putLong(real ? c.maxBlockSize() : 0);
            buffer.put(names[id]);
            buffer.position(buffer.position() + (8 - names[id].length % 8) % 8);
        }
        return Files.write(file, buffer.array());
    }

    /**
     * Writes the sequence to a stream another JVM reads with {@link #readFrom}: the slot count, the op
     * count, then the encoded ops (how a campaign hands its traces to its lane processes, so each replays
     * exactly the parent's ops and none spends its time generating them).
     */
    public void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(slots);
        out.writeInt(ops.length);
        for (long op : ops) {
            out.writeLong(op);
        }
        out.writeBoolean(placement != null);
        if (placement != null) {
            writePlacement(out, placement);
        }
    }

    /** A sequence written by {@link #writeTo}, named {@code name}. */
    public static OpSequence readFrom(java.io.DataInputStream in, String name) throws java.io.IOException {
        int slots = in.readInt();
        int length = in.readInt();
        if (length < 0) {
            throw new java.io.IOException("a sequence of " + length + " ops");
        }
        long[] ops = new long[length];
        for (int i = 0; i < length; i++) {
            ops[i] = in.readLong();
        }
        Placement placement = in.readBoolean() ? readPlacement(in, length) : null;
        return new OpSequence(name, slots, ops, placement);
    }

    private static void writePlacement(java.io.DataOutputStream out, Placement p) throws java.io.IOException {
        out.writeInt(p.threads());
        for (int w : p.where()) {
            out.writeInt(w);
        }
        out.writeInt(p.contextCount());
        for (int id = 1; id < p.contextCount(); id++) {
            ContextSpec c = p.contexts()[id];
            out.writeBoolean(c != null);
            if (c != null) {
                out.writeInt(c.parent());
                out.writeLong(c.minContextSize());
                out.writeLong(c.initBlockSize());
                out.writeLong(c.maxBlockSize());
                out.writeUTF(c.name());
            }
        }
        out.writeInt(p.expectations().size());
        for (Expectation e : p.expectations()) {
            out.writeInt(e.beforeOp());
            out.writeInt(e.context());
            out.writeLong(e.totalBytes());
            out.writeLong(e.blocks());
            out.writeLong(e.freeChunks());
            out.writeLong(e.freeBytes());
        }
    }

    private static Placement readPlacement(java.io.DataInputStream in, int length) throws java.io.IOException {
        int threads = in.readInt();
        int[] where = new int[length];
        for (int i = 0; i < length; i++) {
            where[i] = in.readInt();
        }
        int count = in.readInt();
        if (count < 1 || count > Placement.MAX_CONTEXTS) {
            throw new java.io.IOException("a table of " + count + " contexts");
        }
        ContextSpec[] contexts = new ContextSpec[count];
        contexts[0] = ContextSpec.ROOT;
        for (int id = 1; id < count; id++) {
            if (in.readBoolean()) {
                contexts[id] = new ContextSpec(in.readInt(), in.readLong(), in.readLong(), in.readLong(), in.readUTF());
            }
        }
        int n = in.readInt();
        java.util.List<Expectation> expectations = new java.util.ArrayList<>(Math.max(0, n));
        for (int k = 0; k < n; k++) {
            expectations.add(new Expectation(in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong()));
        }
        return new Placement(threads, where, contexts, expectations);
    }

    /** How many ops of a kind the sequence has. */
    public long count(byte kind) {
        long n = 0;
        for (long op : ops) {
            if ((op & KIND_MASK) == kind) {
                n++;
            }
        }
        return n;
    }

    /** Appends ops; grows by doubling. */
    public static final class Builder {
        private final String name;
        private final int slots;
        private long[] ops = new long[1024];
        private int n;

        public Builder(String name, int slots) {
            this.name = name;
            this.slots = slots;
        }

        public Builder add(byte kind, int slot, long size) {
            if (n == ops.length) {
                ops = Arrays.copyOf(ops, n * 2);
            }
            ops[n++] = encode(kind, slot, size);
            return this;
        }

        public int size() {
            return n;
        }

        public OpSequence build() {
            return build(n);
        }

        /** The first {@code count} ops (count <= size()). */
        public OpSequence build(int count) {
            return new OpSequence(name, slots, Arrays.copyOf(ops, count));
        }
    }
}
