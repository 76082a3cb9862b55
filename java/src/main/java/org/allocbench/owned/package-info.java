/**
 * What the suite creates outside its own process, and who removes it when the
 * process cannot.
 *
 * <p>A run makes things that outlive a JVM killed with SIGKILL (by the OOM
 * killer, a CI timeout, kill -9): a throwaway PostgreSQL server, memory
 * cgroups, raised huge page pools, temporary directories, a results.json that
 * says "running". Shutdown hooks cover Ctrl-C and SIGTERM, never SIGKILL.
 *
 * <p>So every such thing is first written down ({@link Ownership#claim}) in an
 * owner record: one append-only file per process in a directory private to the
 * user ({@link OwnerRecords}), named after the process's PID and start time, and
 * locked (fcntl) by that process for as long as it lives. The kernel drops the
 * lock the moment the process dies, however it dies. That lock is the whole
 * liveness protocol:
 * <ul>
 * <li>a reaper ({@link Reaper}), a small JVM started in a session of its own
 *     with the first claim, waits to take the lock; when it gets it, the owner is
 *     gone and it undoes what the record still lists, newest first;</li>
 * <li>every command sweeps at its start ({@link Sweep}): a record whose lock
 *     is free has neither owner nor reaper (say both were killed together), and
 *     is reclaimed there and then; {@code allocbench cleanup} does the same on
 *     request and also waits for reapers at work.</li>
 * </ul>
 * Nothing is removed by name pattern: only what a record lists, and only once
 * its owner is dead. Normal code paths still release what they made themselves
 * and strike it from the record ({@link Ownership#release}); the reaper only
 * finds what was left.
 *
 * <p>The JVMs the suite starts (a gate's forks, lane workers, memory cells, the
 * reaper) are started one way, by {@link JvmLauncher}: same java, same flags,
 * glibc's tunables, and a temporary directory that ends up in a record.
 */
package org.allocbench.owned;
