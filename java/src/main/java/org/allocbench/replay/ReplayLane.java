package org.allocbench.replay;

/**
 * Something that replays a whole trace (ops in {@code OpSequence}'s encoding)
 * {@code iterations} times and reports a {@link LaneResult}: real PostgreSQL's
 * AllocSet ({@code PgReplay.lane}) or a whole-trace C lane in a fresh process
 * ({@link WholeTraceRunner#lane}).
 */
@FunctionalInterface
public interface ReplayLane {

    LaneResult replay(long[] encodedOps, int slots, int iterations);
}
