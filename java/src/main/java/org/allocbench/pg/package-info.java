/**
 * Real PostgreSQL 15 as a reference and a timed lane: a throwaway cluster
 * ({@link org.allocbench.pg.PgCluster}) on 127.0.0.1, the allocbench_pg
 * extension (native/pgext) built into it, and {@link org.allocbench.pg.PgReplay},
 * which replays a trace through the backend's own AllocSet and returns the
 * median ns/op and the context's {@code MemoryContextCounters}.
 *
 * <p>Needs PostgreSQL 15's binaries and server headers (Debian:
 * {@code apt-get install postgresql-15 postgresql-server-dev-15}), plus gcc and
 * make; {@link org.allocbench.pg.PgInstallation} says so when they are missing.
 * Sits beside {@code trace} and {@code alloc}: it uses {@code nativecore} and
 * nothing above.
 */
package org.allocbench.pg;
