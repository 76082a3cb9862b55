/* allocbench_pg 1.0: see allocbench_pg.c */

-- complain if script is sourced in psql rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION allocbench_pg" to load this file. \quit

-- ops: the trace's ops as org.allocbench.trace.OpSequence encodes them, one
-- little-endian 64-bit word per op.  Replays them iterations times, each time
-- through a fresh AllocSet (ALLOCSET_DEFAULT_SIZES) created, used and deleted
-- inside the timed region; returns the median ns/op, the context's
-- MemoryContextCounters just before the last iteration deleted it, and each
-- iteration's nanoseconds and the backend's minor page faults in it.
CREATE FUNCTION allocbench_replay(ops bytea, nslots int4, iterations int4,
        OUT median_ns_per_op float8,
        OUT total_bytes int8,
        OUT total_nblocks int8,
        OUT free_bytes int8,
        OUT free_chunks int8,
        OUT used_bytes int8,
        OUT ns_per_iteration int8[],
        OUT minflt_per_iteration int8[])
RETURNS record
AS 'MODULE_PATHNAME', 'allocbench_replay'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- A version 2 trace (a tree of contexts; docs/trace-format.md) replayed once
-- through the backend's AllocSets in trace order: ops as above (kinds 6 create,
-- 7 delete), placement one little-endian 32-bit word per op (context in bits
-- 0..23), the context table by id (entry 0, the root, is ALLOCSET_DEFAULT_SIZES).
-- Returns each context's MemoryContextCounters just before its delete and, at
-- the end (before_op = the op count), those of every context still alive.
CREATE FUNCTION allocbench_replay_tree(ops bytea, placement bytea, nslots int4,
        parents int4[], min_sizes int8[], init_sizes int8[], max_sizes int8[], names text[])
RETURNS TABLE (before_op int4, context int4, total_bytes int8, total_nblocks int8,
        free_chunks int8, free_bytes int8)
AS 'MODULE_PATHNAME', 'allocbench_replay_tree'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- The same replay through PostgreSQL's other context types, so that our
-- Generation and Slab can be compared with the real ones as our AllocSet is:
-- kind 'AllocSet' (allocbench_replay_tree is this with every 0), 'Generation'
-- (each create GenerationContextCreate with min, init and max sizes) or 'Slab'
-- (each create SlabContextCreate with init_sizes as the block size and
-- chunk_sizes, one per context like the other arrays, as the chunk size) is
-- the type of the root and of every create; the root has the kind's default
-- sizes (ALLOCSET_DEFAULT_SIZES, or Slab's 8 kB blocks of chunk_sizes[0]).  An
-- op the kind refuses (a Slab alloc of another size) is PostgreSQL's ERROR.
-- every > 0 also returns, before each op i > 0 with i % every = 0, the
-- counters of the context that op names (unless the op creates it): the states
-- between deletes, ahead of any delete row at the same before_op.
CREATE FUNCTION allocbench_replay_tree_kind(kind text, every int4, ops bytea, placement bytea, nslots int4,
        parents int4[], min_sizes int8[], init_sizes int8[], max_sizes int8[], names text[], chunk_sizes int8[])
RETURNS TABLE (before_op int4, context int4, total_bytes int8, total_nblocks int8,
        free_chunks int8, free_bytes int8)
AS 'MODULE_PATHNAME', 'allocbench_replay_tree_kind'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- The same version 2 trace replayed iterations times, timed as allocbench_replay
-- times version 1 (the pg15-real lane): the median ns/op, the root's counters
-- before the last delete, each iteration's nanoseconds and minor page faults.
CREATE FUNCTION allocbench_replay_tree_timed(ops bytea, placement bytea, nslots int4,
        parents int4[], min_sizes int8[], init_sizes int8[], max_sizes int8[], names text[],
        iterations int4,
        OUT median_ns_per_op float8,
        OUT total_bytes int8,
        OUT total_nblocks int8,
        OUT free_bytes int8,
        OUT free_chunks int8,
        OUT used_bytes int8,
        OUT ns_per_iteration int8[],
        OUT minflt_per_iteration int8[])
RETURNS record
AS 'MODULE_PATHNAME', 'allocbench_replay_tree_timed'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;
