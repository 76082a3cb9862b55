package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;

/**
 * The native core's thread-local error slot, read right after a failing call:
 * a platform thread (or a virtual thread between two downcalls with no
 * blocking in between) stays on the same OS thread, so the slot is ours.
 */
record NativeError(int code, String message, String detail) {

    static NativeError last() {
        try {
            int code = (int) AllocSetNative.ERROR_CODE.invokeExact();
            String message = NativeStructs.cString((MemorySegment) AllocSetNative.ERROR_MESSAGE.invokeExact());
            String detail = NativeStructs.cString((MemorySegment) AllocSetNative.ERROR_DETAIL.invokeExact());
            return new NativeError(code, message, detail);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
