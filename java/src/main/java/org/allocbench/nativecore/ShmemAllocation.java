package org.allocbench.nativecore;

/**
 * One row of a segment's named-allocation listing, with the columns of
 * PostgreSQL's pg_shmem_allocations: {@code name} is {@code "<anonymous>"}
 * for unnamed allocations and null for the unused tail; {@code offset} is -1
 * (NULL in PostgreSQL) for the anonymous row.
 */
public record ShmemAllocation(String name, long offset, long size, long allocatedSize) {
}
