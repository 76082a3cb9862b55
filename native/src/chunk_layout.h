/*
 * chunk_layout.h -- picks the chunk-header layout this build uses.
 *
 * aset.c never touches a chunk header directly; it goes through the small
 * inline interface every layout header provides:
 *
 *   ALLOC_CHUNKHDRSZ                    bytes in front of every pointer
 *   chunk_of(pointer), chunk_pointer(chunk)
 *   chunk_set_small(chunk, block, fidx) / chunk_set_external(chunk, block, capacity)
 *   chunk_set_allocated(chunk, set)     a chunk just taken off a freelist
 *   chunk_external_capacity(set, size)  a dedicated chunk's capacity after repalloc
 *   chunk_is_external(chunk), chunk_fidx(chunk)
 *   chunk_owner(chunk)                  the owning AllocSet
 *   chunk_external_block(chunk)         the dedicated block of an external chunk
 *   chunk_kind_valid(chunk)             cheap test for pointers we never handed out
 *   chunk_next_free / chunk_set_next_free   the freelist link of a free chunk
 *
 * so that the second layout (PostgreSQL 15's 16-byte header: capacity + owning
 * set, the freelist link kept in the header) is one more header file chosen
 * here with -DAB_LAYOUT=15, and a checking build (MEMORY_CONTEXT_CHECKING:
 * requested size, sentinel byte, wipe on free) adds its fields and checks
 * behind -DAB_CHECKING in the same places.  Each variant is a separately
 * named shared library, so several can be loaded side by side.
 */
#ifndef ALLOCBENCH_CHUNK_LAYOUT_H
#define ALLOCBENCH_CHUNK_LAYOUT_H

#if AB_LAYOUT == 16
#include "chunk_pg16.h"
#elif AB_LAYOUT == 15
#include "chunk_pg15.h"
#else
#error "unknown AB_LAYOUT: 16 (PostgreSQL 16+ 8-byte header) or 15 (PostgreSQL 15's 16-byte header)"
#endif

#endif /* ALLOCBENCH_CHUNK_LAYOUT_H */
