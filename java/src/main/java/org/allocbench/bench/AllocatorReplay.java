package org.allocbench.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.allocbench.alloc.Allocator;
import org.allocbench.trace.OpSequence;

/**
 * The replay loop over the allocator interface: every allocator does the same
 * work, op for op. After each allocation or resize it writes the first and
 * last byte of the memory handed out (the trace format's touch rule). Frees
 * are skipped for allocators that cannot free single allocations (their
 * results are marked by {@link org.allocbench.alloc.Capabilities#note()}).
 *
 * <p>The loop allocates nothing: handles and sizes live in caller-provided
 * primitive arrays, memory is written through one segment spanning the
 * address space. In a JMH fork one allocator class is seen, so the interface
 * calls are monomorphic and inlined.
 */
public final class AllocatorReplay {

    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private AllocatorReplay() {
    }

    /** Replays {@code ops} into {@code allocator}; {@code handles} and {@code sizes} have {@code ops.slots()} entries. */
    public static void replay(Allocator allocator, OpSequence ops, long[] handles, long[] sizes) {
        boolean canFree = allocator.capabilities().individualFree();
        for (int i = 0, n = ops.length(); i < n; i++) {
            step(allocator, ops, i, handles, sizes, canFree);
        }
    }

    /**
     * Op {@code i} of {@code ops}, the one definition of "the same work" that
     * every replay loop (timed, latency-recording) runs. Small enough to inline.
     */
    public static void step(Allocator allocator, OpSequence ops, int i, long[] handles, long[] sizes,
            boolean canFree) {
        int slot = ops.slot(i);
        long size = ops.size(i);
        switch (ops.kind(i)) {
            case OpSequence.ALLOC -> {
                long handle = allocator.alloc(size);
                touch(allocator.address(handle), size);
                handles[slot] = handle;
                sizes[slot] = size;
            }
            case OpSequence.ALLOC_ZEROED -> {
                long handle = allocator.allocZeroed(size);
                touch(allocator.address(handle), size);
                handles[slot] = handle;
                sizes[slot] = size;
            }
            case OpSequence.REALLOC -> {
                long handle = allocator.resize(handles[slot], sizes[slot], size);
                touch(allocator.address(handle), size);
                handles[slot] = handle;
                sizes[slot] = size;
            }
            case OpSequence.FREE -> {
                if (canFree) {
                    allocator.free(handles[slot]);
                }
            }
            case OpSequence.RESET -> allocator.reset();
            default -> throw new IllegalStateException("unknown op kind " + ops.kind(i) + " at op " + i);
        }
    }

    private static void touch(long address, long size) {
        EVERYTHING.set(JAVA_BYTE, address, (byte) 1);
        EVERYTHING.set(JAVA_BYTE, address + size - 1, (byte) 1);
    }
}
