package org.allocbench.replay;

import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.allocbench.alloc.Allocator;
import org.allocbench.alloc.AllocatorFactory;
import org.allocbench.alloc.Allocators;
import org.allocbench.trace.OpSequence;

/**
 * The per-op lanes by name: every allocator ({@link Allocators#byName}), the
 * floor ({@value FloorAllocator#NAME}: the replay loop with no allocator) and
 * the binding floor ({@value #BINDING_FLOOR}: a no-op downcall per op).
 */
public final class PerOpLanes {

    /** The binding floor's name in results: one no-op FFM downcall per op. */
    public static final String BINDING_FLOOR = "noop-downcall";

    /**
     * Operations in every trace the JMH replay benchmarks replay, and so in every campaign of method jmh:
     * fixed, because {@code @OperationsPerInvocation} (what turns a JMH score into ns/op) is a constant.
     */
    public static final int JMH_TRACE_OPS = 100_000;

    private PerOpLanes() {
    }

    /** Whether {@code lane} is one of the two floors (measured beside the allocators, never ranked). */
    public static boolean isFloor(String lane) {
        return lane.equals(FloorAllocator.NAME) || lane.equals(BINDING_FLOOR);
    }

    /**
     * Whether {@code lane} calls native code once per op (the C AllocSets, on malloc or on a segment, and the
     * native peers): the lanes the binding floor, a no-op downcall per op, is a floor for.
     */
    public static boolean callsNativePerOp(String lane) {
        return WholeTraceLane.ofPerOp(lane).isPresent() || lane.startsWith(SEGMENT_PREFIX);
    }

    /** The per-op lanes of the native AllocSet with its blocks on a shared segment: this prefix and the page mode. */
    public static final String SEGMENT_PREFIX = "aset-native-segment@";

    /** Why {@code lane} cannot run here, or null if it can; an unknown name is an IllegalArgumentException. */
    public static String unavailableReason(String lane) {
        if (isFloor(lane)) {
            return null;
        }
        AllocatorFactory f = Allocators.byName(lane);
        return f.availability().available() ? null : f.availability().reason();
    }

    /**
     * Contexts of {@code lane} for {@code ops}, for the calling thread: a fresh instance per call (the floor's
     * plan and region are made once, here).
     */
    public static Supplier<Allocator> contexts(String lane, OpSequence ops) {
        if (lane.equals(FloorAllocator.NAME)) {
            return FloorAllocator.contexts(ops);
        }
        AllocatorFactory f = Allocators.byName(lane);
        return f::create;
    }

    /** What each thread of {@code lane}'s rounds runs over {@code ops} (see {@link PerOpRounds}). */
    public static IntFunction<PerOpRounds.Body> bodies(String lane, OpSequence ops) {
        if (lane.equals(BINDING_FLOOR)) {
            return PerOpRounds.bindingFloor(ops);
        }
        return PerOpRounds.allocator(ops, () -> contexts(lane, ops));
    }
}
