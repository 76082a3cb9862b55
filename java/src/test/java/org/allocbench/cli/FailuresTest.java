package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** One line per failure: causes chained where they add something, I/O errors as path and reason, no class names. */
class FailuresTest {

    @Test
    void anIoFailureNamesThePathAndTheReasonOnce() {
        assertEquals("cannot write /x/y: Read-only file system", Failures.describe(new UncheckedIOException(
                "cannot write /x/y", new FileSystemException("/x/y", null, "Read-only file system"))));
        assertEquals("/x/y: No such file or directory", Failures.describe(new NoSuchFileException("/x/y")));
        assertEquals("cannot write /x/y: Not a directory", Failures.cannot("write", Path.of("/x/y"),
                new FileSystemException("/x/y", null, "Not a directory")));
    }

    @Test
    void classNamesAndRepeatedCausesAreLeftOut() {
        RuntimeException wrapped = new RuntimeException(new IllegalStateException("the pool is gone"));
        assertEquals("the pool is gone", Failures.describe(wrapped));
        assertEquals("internal error: a required value was missing (ALLOCBENCH_DEBUG=1 shows where)",
                Failures.describe(new NullPointerException("Cannot invoke \"a.B.c()\" because \"d\" is null")));
        assertEquals("illegal state", Failures.describe(new IllegalStateException()));
    }

    @Command(name = "thrower")
    static final class Thrower implements Callable<Integer> {
        final Throwable failure;

        Thrower(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Error e) {
                throw e;
            }
            throw (Exception) failure;
        }
    }

    private static String[] run(Throwable failure) {
        StringWriter err = new StringWriter();
        CommandLine cli = Failures.install(new CommandLine(new Thrower(failure)));
        cli.setErr(new PrintWriter(err, true));
        return new String[] {Integer.toString(cli.execute()), err.toString()};
    }

    @Test
    void anErrorThatEscapesACommandIsOneLineAndExit1() {
        String[] r = run(new OutOfMemoryError("Java heap space"));
        assertEquals("1", r[0]);
        assertEquals(1, r[1].lines().count(), r[1]);
        assertEquals(true, r[1].startsWith("thrower: error: out of memory (Java heap space; this JVM's max heap is"),
                r[1]);
    }

    @Test
    void anUnexpectedExceptionIsOneLineAndExit1() {
        String[] r = run(new UncheckedIOException("cannot write /x/y", new FileSystemException("/x/y", null,
                "Read-only file system")));
        assertEquals("1", r[0]);
        assertEquals("thrower: error: cannot write /x/y: Read-only file system\n", r[1]);
    }
}
