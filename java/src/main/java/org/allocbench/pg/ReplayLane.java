package org.allocbench.pg;

/**
 * Something that replays a trace (ops in {@code OpSequence}'s encoding) through
 * an AllocSet with ALLOCSET_DEFAULT_SIZES, {@code iterations} times, and
 * reports a {@link LaneResult}: real PostgreSQL ({@link PgReplay#lane}) or
 * allocbench's own library.
 */
@FunctionalInterface
public interface ReplayLane {

    LaneResult replay(long[] encodedOps, int slots, int iterations);
}
