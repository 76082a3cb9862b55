/**
 * The one replay, the same work for every allocator: the per-op loop
 * ({@link org.allocbench.replay.ReplayLoop}, which keeps the live set itself
 * so no allocator is charged for bookkeeping another is spared) and its floor
 * ({@link org.allocbench.replay.FloorAllocator}); a per-op lane's rounds in a
 * JVM ({@link org.allocbench.replay.PerOpRounds}); the whole-trace C lanes,
 * every native allocator in a process of its own
 * ({@link org.allocbench.replay.WholeTraceLane},
 * {@link org.allocbench.replay.WholeTraceRunner}); and what a lane reports
 * ({@link org.allocbench.replay.LaneResult}). Below the benchmarks, the
 * measurements, the campaigns and the PostgreSQL lane; above the allocators
 * and the traces.
 */
package org.allocbench.replay;
