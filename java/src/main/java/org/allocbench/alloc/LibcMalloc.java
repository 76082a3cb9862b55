package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.allocbench.nativecore.Downcalls;

/**
 * glibc's malloc, realloc and free through FFM, linked exactly like the native
 * AllocSet's calls (pointers as {@code JAVA_LONG}, with and without
 * {@code critical}), so that comparing the two compares allocators, not bindings.
 */
public final class LibcMalloc {

    private static final MethodHandle MALLOC = link("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle REALLOC = link("realloc",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle FREE = link("free", FunctionDescriptor.ofVoid(JAVA_LONG), true);
    private static final MethodHandle MALLOC_PLAIN = link("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle FREE_PLAIN = link("free", FunctionDescriptor.ofVoid(JAVA_LONG), false);

    private LibcMalloc() {
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor, boolean critical) {
        return Downcalls.link(Downcalls.libc(), "the C library", name, descriptor, critical);
    }

    /** {@code void *malloc(size_t)} as (long) -> long. */
    public static MethodHandle mallocHandle(boolean critical) {
        return critical ? MALLOC : MALLOC_PLAIN;
    }

    /** {@code void free(void *)} as (long) -> void. */
    public static MethodHandle freeHandle(boolean critical) {
        return critical ? FREE : FREE_PLAIN;
    }

    /** malloc; throws OutOfMemoryError on NULL. */
    public static long malloc(long size) {
        long pointer;
        try {
            pointer = (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (pointer == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") returned NULL");
        }
        return pointer;
    }

    /** realloc; throws OutOfMemoryError on NULL (the old block is then still valid). */
    public static long realloc(long pointer, long size) {
        long moved;
        try {
            moved = (long) REALLOC.invokeExact(pointer, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (moved == 0) {
            throw new OutOfMemoryError("realloc(" + size + ") returned NULL");
        }
        return moved;
    }

    public static void free(long pointer) {
        try {
            FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
