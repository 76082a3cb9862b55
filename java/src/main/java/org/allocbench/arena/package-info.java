/**
 * Allocators written in pure Java over off-heap memory, mirroring the native
 * ones byte for byte: {@link org.allocbench.arena.JavaAllocSet} is
 * PostgreSQL's AllocSet (native/src/aset.c) over {@code java.lang.foreign}
 * arenas.
 *
 * <p>This package sits below {@code org.allocbench.alloc}: it uses only the
 * plain data types of {@code org.allocbench.nativecore} (sizes, counters, flags,
 * the exception) and must not import {@code org.allocbench.alloc}, which adapts
 * it to the suite's {@code Allocator} interface ({@code JavaAllocSetAllocator}).
 */
package org.allocbench.arena;
