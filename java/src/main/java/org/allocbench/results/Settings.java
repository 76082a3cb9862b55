package org.allocbench.results;

/**
 * How the cells were measured: ops per trace, the generator seed, warm-up and
 * measured rounds per fork, process forks, replay threads, and the method
 * ("interleaved-rounds": every allocator once per round in one JVM, rounds
 * interleaved; "jmh": one JMH fork per cell).
 */
public record Settings(int ops, long seed, int warmupRounds, int rounds, int forks, int threads, String method) {
}
