package org.allocbench.nativecore;

import java.lang.foreign.MemorySegment;

/**
 * The whole address space as one segment, for code that reads and writes
 * native memory at raw addresses the way C reads through a pointer (handles
 * and chunk pointers here are plain {@code long}s).
 *
 * <p>It is {@code MemorySegment.NULL} reinterpreted to {@code Long.MAX_VALUE}
 * bytes in the global scope, and it must be a {@code static final} field: C2
 * then treats the segment as a constant, so an access compiles to a bounds
 * compare against a constant, an alignment test and the load or store, with
 * no liveness check (the global scope is always alive) and no segment object
 * per access. A segment held anywhere else (an instance field, a local made
 * per call) is not a constant and costs a load and checks on every access.
 * The price is that nothing here knows whether an address is mapped: callers
 * pass only addresses of memory they own.
 */
public final class AddressSpace {

    /** Every address: offset == address. */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private AddressSpace() {
    }
}
