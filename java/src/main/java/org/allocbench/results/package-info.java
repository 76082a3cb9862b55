/**
 * The results store: one directory per run under {@code bench-results/runs/},
 * with {@code results.json} (schema {@value org.allocbench.results.RunResults#SCHEMA},
 * documented in bench-results/README.md) written cell by cell, so a crash or
 * Ctrl-C keeps every cell finished so far. Everything that reads or writes runs
 * (the campaign runner, compare, gate, the report, the exports) goes through
 * these records and {@link org.allocbench.results.ResultsStore}.
 */
package org.allocbench.results;
