package org.allocbench.results;

/**
 * Whether a cell's measured rounds were still moving: {@code early} and
 * {@code late} are the medians (over forks) of each fork's first and last
 * halves of its measured rounds, {@code ratio} = late/early (paired within
 * each fork), {@code low..high} its interval, and {@code flagged} is set when
 * that interval excludes 1 and the change is material (see
 * {@code org.allocbench.stats.DriftCheck}): the cell was not warmed up, and
 * its median mixes two regimes.
 */
public record Drift(double early, double late, double ratio, Double low, Double high, boolean flagged) {
}
