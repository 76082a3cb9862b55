package org.allocbench.alloc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import org.allocbench.nativecore.Downcalls;

/**
 * glibc's malloc and free through FFM, linked exactly like the native
 * AllocSet's calls (pointers as {@code JAVA_LONG}, with and without
 * {@code critical}), so that comparing the two compares allocators, not bindings.
 */
public final class LibcMalloc {

    private static final MethodHandle MALLOC = link("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
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
}
