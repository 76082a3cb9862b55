/**
 * "Which context fits this trace?" ({@code allocbench fit}): a trace replayed whole in C through every
 * PostgreSQL context kind this suite has (AllocSet, Generation, Slab, Bump) and the malloc peers, each in a
 * process of its own ({@link org.allocbench.fit.ContextFit}), and a one-line verdict from the figures
 * ({@link org.allocbench.fit.FitVerdict}), printed ({@link org.allocbench.fit.FitTable}) and shown in the
 * report.
 */
package org.allocbench.fit;
