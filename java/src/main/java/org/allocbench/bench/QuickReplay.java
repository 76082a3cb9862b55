package org.allocbench.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.allocbench.alloc.LibcMalloc;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.NativeMemoryContext;
import org.allocbench.trace.OpSequence;

/**
 * Replays an {@link OpSequence} through the native AllocSet and through glibc
 * malloc, op for op, with per-op downcalls over the same kind of binding.
 * One replay creates the context, runs every op (touching the first and last
 * byte of what each allocation hands out, as the trace format requires) and
 * deletes the context; the caller times it.
 */
public final class QuickReplay {

    /** Lets loops write to any native address without a segment object per op. */
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final MethodHandle NOOP = AllocSetNative.noopHandle(true);

    private QuickReplay() {
    }

    /** Replays through a fresh AllocSet context; {@code atEnd} sees it just before deletion. */
    public static void allocSet(OpSequence ops, long[] slots, java.util.function.Consumer<NativeMemoryContext> atEnd) {
        try (NativeMemoryContext context = NativeMemoryContext.create(ops.name(), AllocSetSizes.DEFAULT)) {
            long cx = context.address();
            for (int i = 0, n = ops.length(); i < n; i++) {
                switch (ops.kind(i)) {
                    case OpSequence.ALLOC -> slots[ops.slot(i)] = touch(AllocSetNative.uncheckedAlloc(cx, ops.size(i)), ops.size(i));
                    case OpSequence.ALLOC_ZEROED -> {
                        long p = AllocSetNative.uncheckedAlloc(cx, ops.size(i));
                        EVERYTHING.asSlice(p, ops.size(i)).fill((byte) 0);
                        slots[ops.slot(i)] = touch(p, ops.size(i));
                    }
                    case OpSequence.REALLOC -> slots[ops.slot(i)] =
                            touch(AllocSetNative.uncheckedRealloc(slots[ops.slot(i)], ops.size(i)), ops.size(i));
                    case OpSequence.FREE -> AllocSetNative.uncheckedFree(slots[ops.slot(i)]);
                    case OpSequence.RESET -> AllocSetNative.uncheckedReset(cx);
                    default -> throw new IllegalStateException("unknown op " + ops.kind(i));
                }
            }
            if (atEnd != null) {
                atEnd.accept(context);
            }
        }
    }

    /** Replays through malloc; a reset (and the final delete) frees every live slot. */
    public static void malloc(OpSequence ops, long[] slots) {
        java.util.Arrays.fill(slots, 0);
        for (int i = 0, n = ops.length(); i < n; i++) {
            int slot = ops.slot(i);
            switch (ops.kind(i)) {
                case OpSequence.ALLOC -> slots[slot] = touch(LibcMalloc.malloc(ops.size(i)), ops.size(i));
                case OpSequence.ALLOC_ZEROED -> {
                    long p = LibcMalloc.malloc(ops.size(i));
                    EVERYTHING.asSlice(p, ops.size(i)).fill((byte) 0);
                    slots[slot] = touch(p, ops.size(i));
                }
                case OpSequence.REALLOC -> slots[slot] = touch(LibcMalloc.realloc(slots[slot], ops.size(i)), ops.size(i));
                case OpSequence.FREE -> {
                    LibcMalloc.free(slots[slot]);
                    slots[slot] = 0;
                }
                case OpSequence.RESET -> freeAll(slots);
                default -> throw new IllegalStateException("unknown op " + ops.kind(i));
            }
        }
        freeAll(slots);
    }

    /**
     * The binding's floor: one no-op downcall per op, same loop shape, so the
     * quick run can say how much of each figure is FFM rather than allocator.
     */
    public static void noopDowncalls(OpSequence ops) {
        try {
            for (int i = 0, n = ops.length(); i < n; i++) {
                NOOP.invokeExact();
            }
        } catch (Throwable t) {
            throw org.allocbench.nativecore.Downcalls.rethrow(t);
        }
    }

    private static void freeAll(long[] slots) {
        for (int s = 0; s < slots.length; s++) {
            if (slots[s] != 0) {
                LibcMalloc.free(slots[s]);
                slots[s] = 0;
            }
        }
    }

    private static long touch(long pointer, long size) {
        EVERYTHING.set(JAVA_BYTE, pointer, (byte) 1);
        EVERYTHING.set(JAVA_BYTE, pointer + size - 1, (byte) 1);
        return pointer;
    }
}
