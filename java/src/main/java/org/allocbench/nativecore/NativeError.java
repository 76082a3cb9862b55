package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The native core's thread-local error slot, read right after a failing call:
 * a platform thread (or a virtual thread between two downcalls with no
 * blocking in between) stays on the same OS thread, so the slot is ours.
 */
record NativeError(int code, String message, String detail) {

    /** The main library's slot. */
    static NativeError last() {
        return last(AllocSetNative.ERROR_CODE, AllocSetNative.ERROR_MESSAGE, AllocSetNative.ERROR_DETAIL);
    }

    /** A library's slot through its ab_error_code / ab_error_message / ab_error_detail (each variant has its own). */
    static NativeError last(MethodHandle code, MethodHandle message, MethodHandle detail) {
        try {
            int c = (int) code.invokeExact();
            String m = NativeStructs.cString((MemorySegment) message.invokeExact());
            String d = NativeStructs.cString((MemorySegment) detail.invokeExact());
            return new NativeError(c, m, d);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    MemoryContextException asContextException() {
        return new MemoryContextException(MemoryContextException.Kind.of(code), message, detail);
    }
}
