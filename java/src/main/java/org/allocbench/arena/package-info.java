/**
 * Allocators written in pure Java, mirroring the native ones byte for byte:
 * {@link org.allocbench.arena.JavaAllocSet} is PostgreSQL's AllocSet
 * (native/src/aset.c) over blocks from malloc, from {@code java.lang.foreign}
 * arenas, or in Java arrays (a block source each).
 *
 * <p>This package sits below {@code org.allocbench.alloc}: it uses only the
 * plain data types of {@code org.allocbench.nativecore} (sizes, counters, flags,
 * the exception) and must not import {@code org.allocbench.alloc}, which adapts
 * it to the suite's {@code Allocator} interface ({@code JavaAllocSetAllocator}).
 */
package org.allocbench.arena;
