/**
 * Comparison statistics over results.json runs: ratios B/A per cell with a
 * bootstrap confidence interval and a verdict ({@link org.allocbench.stats.Bootstrap},
 * {@link org.allocbench.stats.RunComparison} for {@code allocbench compare}), and
 * the CI performance gate's decision on interleaved fork pairs
 * ({@link org.allocbench.stats.GateDecision} for {@code allocbench gate}).
 * Pure functions of the samples, deterministic by seed; no timing happens here.
 */
package org.allocbench.stats;
