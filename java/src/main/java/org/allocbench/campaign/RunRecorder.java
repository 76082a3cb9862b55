package org.allocbench.campaign;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunInfo;
import org.allocbench.results.RunResults;

/**
 * The run's results.json while cells are being measured: every finished cell
 * is appended and the file rewritten (atomically, see {@link ResultsStore#write}),
 * so a crash keeps everything finished. A shutdown hook marks the run
 * {@value RunInfo#INTERRUPTED} if the JVM stops (Ctrl-C, SIGTERM) before
 * {@link #finish}; after that nothing more is written. If the JVM is killed
 * (SIGKILL: no hook runs), the reaper marks it {@value RunInfo#KILLED}: the
 * file is claimed in the process's owner record ({@link Ownership}).
 */
public final class RunRecorder {

    private final Path dir;
    private RunResults results;
    private boolean ended;
    private final Thread hook;
    private volatile Runnable onInterrupt = () -> { };

    public RunRecorder(Path dir, RunResults start) {
        this.dir = dir;
        this.results = start;
        Ownership.claim(new Resource.RunFile(dir.resolve(ResultsStore.RESULTS_FILE).toAbsolutePath()));
        ResultsStore.write(dir, results);
        this.hook = new Thread(this::interrupted, "allocbench-run-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public Path directory() {
        return dir;
    }

    /** Something to run (say, on the progress line) when the run is interrupted, after results.json is written. */
    public void onInterrupt(Runnable action) {
        onInterrupt = action;
    }

    public synchronized void add(Cell cell) {
        if (ended) {
            return;
        }
        results = results.withCell(cell);
        ResultsStore.write(dir, results);
    }

    /** Replaces the cells (the merge of forks), keeping the rest. */
    public synchronized void replaceCells(List<Cell> cells) {
        if (ended) {
            return;
        }
        results = new RunResults(results.schema(), results.run(), results.environment(), results.settings(),
                new ArrayList<>(cells));
        ResultsStore.write(dir, results);
    }

    /** Adds or replaces one key of the environment block. */
    public synchronized void putEnvironment(String key, Object value) {
        if (ended) {
            return;
        }
        java.util.Map<String, Object> env = new java.util.LinkedHashMap<>(results.environment());
        env.put(key, value);
        results = new RunResults(results.schema(), results.run(), env, results.settings(), results.cells());
        ResultsStore.write(dir, results);
    }

    public synchronized RunResults results() {
        return results;
    }

    /** Ends the run with {@code status} ({@value RunInfo#COMPLETE} or {@value RunInfo#FAILED}); returns what was written. */
    public synchronized RunResults finish(String status) {
        if (!ended) {
            ended = true;
            results = results.withRun(results.run().ended(status, Instant.now().toString()));
            ResultsStore.write(dir, results);
            Ownership.release(new Resource.RunFile(dir.resolve(ResultsStore.RESULTS_FILE).toAbsolutePath()));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return results;
    }

    private void interrupted() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            results = results.withRun(results.run().ended(RunInfo.INTERRUPTED, Instant.now().toString()));
            ResultsStore.write(dir, results);
            Ownership.release(new Resource.RunFile(dir.resolve(ResultsStore.RESULTS_FILE).toAbsolutePath()));
        }
        onInterrupt.run();
    }
}
