package org.allocbench.replay;

import java.lang.invoke.MethodHandle;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.Downcalls;
import org.allocbench.trace.OpSequence;

/**
 * The binding's floor: one no-op critical downcall per op, in a loop of the
 * same length as a replay, so a report can say how much of each per-op FFM
 * figure is the call itself rather than the allocator.
 */
public final class BindingFloor {

    private static final MethodHandle NOOP = AllocSetNative.noopHandle(true);

    private BindingFloor() {
    }

    /** {@code ops.length()} no-op downcalls. */
    public static void noopDowncalls(OpSequence ops) {
        try {
            for (int i = 0, n = ops.length(); i < n; i++) {
                NOOP.invokeExact();
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
