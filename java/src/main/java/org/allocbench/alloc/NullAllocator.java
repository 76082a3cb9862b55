package org.allocbench.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The harness floor, not a real allocator: a bump pointer into one fixed
 * native buffer, frees ignored. Replaying a trace through it costs what the
 * replay loop itself costs (decoding ops, the interface calls, the touch of
 * both ends of every chunk, the handle arrays) plus a few instructions per op,
 * so {@code real allocator - null} is roughly what the allocator adds.
 *
 * <p><b>The buffer.</b> {@value #BUFFER_SIZE} bytes (64 MiB), allocated once
 * per thread and kept in a {@link ThreadLocal}; every instance created on that
 * thread borrows it. Creating an instance (which ReplayBenchmark does in every
 * invocation, as the trace format asks) is therefore a thread-local read and a
 * flag, not a 64 MiB allocation: if the buffer were allocated per instance,
 * the floor would be dominated by zeroing and page-faulting 64 MiB per
 * iteration, which is exactly the kind of cost a floor must not contain. The
 * buffer comes from {@link Arena#ofAuto()}, which zeroes it, so every page is
 * already faulted in before any timing; it is released when the thread and its
 * thread-local are gone. Should a second instance be opened on the same thread
 * while the first is still open (tests do that), it gets a private buffer of
 * its own (closed with it), so two open instances never overwrite each other.
 *
 * <p><b>Operations.</b> Every chunk is 16-aligned (sizes rounded up to 16;
 * size 0 is served as 16 bytes so live handles stay distinct). The handle is
 * the address. {@link #free} does nothing, but {@link Capabilities#individualFree()}
 * is true so the replay loop makes the same free calls it makes for real
 * allocators (a no-free allocator's replay skips them and does less work).
 * {@link #resize} bump-allocates a new chunk and copies {@code min(old, new)}
 * bytes only when that is at most {@value #COPY_LIMIT} bytes (AllocSet's chunk
 * limit); above it nothing is copied and the new chunk's contents are
 * undefined. The reason: a floor must not cost more than the allocators it
 * is a floor for. Small chunks are copied by every allocator when they move
 * (a few cache lines, cheap), but large ones are realloc'd in place or by
 * mremap (glibc, and AllocSet's dedicated blocks through it), with no copy;
 * a first version that always copied scored 115 ns/op on array-agg (a buffer
 * doubled to 4 MiB) against aset-native's 48, a "floor" above the allocator.
 * {@link #allocZeroed} always zeroes the chunk (memory is reused after a
 * rewind, so it is not zero by itself; the traces zero only small chunks).
 * Reset rewinds the bump pointer to the start.
 *
 * <p><b>Wrap-around.</b> When a request does not fit in the rest of the
 * buffer, the pointer wraps to the start: the contents of older, still "live"
 * chunks may then be overwritten by newer ones. That is acceptable for a floor
 * (the replay loop only writes; it never checks contents) and stated in the
 * capabilities note; nothing that reads back what it wrote long ago should use
 * this allocator. A single request larger than the buffer is an
 * {@link IllegalArgumentException}.
 *
 * <p><b>Statistics.</b> total = the buffer size, blocks = 1, used = bytes
 * bumped since the last rewind (reset or wrap), free = total - used, free
 * chunks = 0 (there is no freelist).
 */
public final class NullAllocator extends AbstractAllocator {

    /** The per-thread buffer: 64 MiB. */
    public static final long BUFFER_SIZE = 64L * 1024 * 1024;

    static final long ALIGNMENT = 16;

    /** Resize copies the kept prefix only up to this many bytes (see the class comment). */
    public static final long COPY_LIMIT = 8192;

    static final String NOTE = "harness floor: bump pointer, frees ignored, not a real allocator"
            + " (wraps around its 64 MiB buffer, overwriting old chunks; resize copies at most 8 KiB)";

    private static final Capabilities CAPABILITIES = new Capabilities(true, false, true, true, ALIGNMENT, NOTE);


    /** A thread's buffer and whether an open instance is using it. */
    private static final class Buffer {
        final MemorySegment segment;
        boolean inUse;

        Buffer(MemorySegment segment) {
            this.segment = segment;
        }
    }

    private static final ThreadLocal<Buffer> PER_THREAD =
            ThreadLocal.withInitial(() -> new Buffer(Arena.ofAuto().allocate(BUFFER_SIZE, ALIGNMENT)));

    /** The thread's buffer this instance borrowed, or null if it has a private one. */
    private Buffer borrowed;
    /** Only for a private buffer. */
    private Arena privateArena;
    private final long base;
    private final long capacity;
    private long offset;

    /** Borrows the calling thread's buffer (allocating it on the thread's first instance). */
    public NullAllocator() {
        this(BUFFER_SIZE);
    }

    /** A private buffer of {@code capacity} bytes when not the default size (for tests of the wrap-around). */
    NullAllocator(long capacity) {
        if (capacity < ALIGNMENT || capacity % ALIGNMENT != 0) {
            throw new IllegalArgumentException("capacity must be a positive multiple of " + ALIGNMENT);
        }
        MemorySegment segment;
        Buffer shared = capacity == BUFFER_SIZE ? PER_THREAD.get() : null;
        if (shared != null && !shared.inUse) {
            shared.inUse = true;
            borrowed = shared;
            segment = shared.segment;
        } else {
            privateArena = Arena.ofShared();
            segment = privateArena.allocate(capacity, ALIGNMENT);
        }
        this.base = segment.address();
        this.capacity = capacity;
    }

    @Override
    public String name() {
        return "null";
    }

    @Override
    public String version() {
        return "harness floor: bump pointer over a " + (capacity >> 20) + " MiB per-thread buffer, JDK "
                + Runtime.version();
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public long alloc(long size) {
        ensureOpen();
        long rounded = (size + (ALIGNMENT - 1)) & -ALIGNMENT;
        if (size <= 0 || rounded > capacity - offset) {
            return allocSlow(size);
        }
        long address = base + offset;
        offset += rounded;
        return address;
    }

    /** Size 0, a negative or too large size, or the wrap to the start. */
    private long allocSlow(long size) {
        if (size < 0 || size > 0x3fffffffL) {
            throw new IllegalArgumentException("invalid memory alloc request size " + size);
        }
        if (size > capacity) {
            throw new IllegalArgumentException("request of " + size + " bytes is larger than the harness floor's "
                    + capacity + "-byte buffer");
        }
        long rounded = size == 0 ? ALIGNMENT : (size + (ALIGNMENT - 1)) & -ALIGNMENT;
        if (rounded > capacity - offset) {
            offset = 0; // wrap around: older chunks may be overwritten (a floor, see the class comment)
        }
        long address = base + offset;
        offset += rounded;
        return address;
    }

    @Override
    public long allocZeroed(long size) {
        return zeroed(alloc(size), size);
    }

    @Override
    public long resize(long handle, long oldSize, long newSize) {
        long address = alloc(newSize);
        long kept = Math.min(oldSize, newSize);
        if (kept <= COPY_LIMIT) {
            // MemorySegment.copy is a memmove: after a wrap the new chunk may overlap the old one.
            MemorySegment.copy(EVERYTHING, handle, EVERYTHING, address, kept);
        }
        return address;
    }

    /** Does nothing: the floor frees by not freeing (see the class comment). */
    @Override
    public void free(long handle) {
        ensureOpen();
    }

    @Override
    public long address(long handle) {
        return handle;
    }

    @Override
    protected void releaseAll() {
        offset = 0;
    }

    @Override
    protected void releaseForGood() {
        offset = 0;
        if (borrowed != null) {
            borrowed.inUse = false;
            borrowed = null;
        }
        if (privateArena != null) {
            privateArena.close();
            privateArena = null;
        }
    }

    @Override
    public AllocatorStats stats() {
        ensureOpen();
        return AllocatorStats.of(capacity, 1, 0, capacity - offset, offset);
    }
}
