/**
 * Memory-limit runs: a trial replays a trace in a child process (the C program
 * allocbench-trial) placed in a fresh memory cgroup with a limit, while an
 * audit journal, written and fsynced before the trial starts, says what the
 * child was doing: a process the kernel SIGKILLs for exceeding its limit
 * cannot say so itself, exactly as a PostgreSQL backend killed by the OOM
 * killer cannot (the postmaster's "server process (PID N) was terminated by
 * signal 9: Killed" / "Failed process was running: ..." come from the parent
 * and from log_statement's record made before the query ran).
 */
package org.allocbench.limit;
