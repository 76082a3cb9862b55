package org.allocbench.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Errors, never stack traces: how every command's failures reach a user.
 * A usage error (picocli's, or a {@link ParameterException} a command throws
 * after checking its arguments) is one line and a hint to --help, exit 2; any
 * other failure, exceptions and errors alike, is one line
 * {@code allocbench <command>: error: <message>}, exit 1. The message is the
 * exception's own, with its causes' where they add something, and with no Java
 * class names; an I/O error names the path and the operating system's reason.
 * With {@code ALLOCBENCH_DEBUG=1} in the environment the stack trace follows.
 */
final class Failures {

    /** The environment variable that adds stack traces to error messages. */
    static final String DEBUG_VARIABLE = "ALLOCBENCH_DEBUG";

    private Failures() {
    }

    /** Installs the handlers on the root command line (picocli uses the root's for every subcommand). */
    static CommandLine install(CommandLine root) {
        return root.setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new CommandFailures())
                .setExecutionStrategy(new ErrorsAsFailures(new CommandLine.RunLast()));
    }

    static boolean debug() {
        return "1".equals(System.getenv(DEBUG_VARIABLE));
    }

    /** "allocbench trace gen: " for the command that failed. */
    static String prefix(CommandLine commandLine) {
        return commandLine.getCommandSpec().qualifiedName() + ": ";
    }

    /** Prints one failure the way every command does, with the stack trace only when debugging. */
    static void report(PrintWriter err, String prefix, Throwable failure) {
        err.println(prefix + "error: " + describe(failure));
        if (debug()) {
            failure.printStackTrace(err);
        }
        err.flush();
    }

    /** Usage errors: the message, a hint to --help, exit 2. */
    static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            String message = oneLine(stripClassNames(ex.getMessage() == null ? "bad arguments" : ex.getMessage()));
            if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
                message += " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
            }
            err.println(prefix(cl) + "error: " + message);
            err.println("Try '" + helpCommand(cl) + "' for usage.");
            if (debug()) {
                ex.printStackTrace(err);
            }
            err.flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
    }

    /** "allocbench stats --help", or "allocbench help bench" for a command whose options are someone else's. */
    private static String helpCommand(CommandLine cl) {
        if (cl.getCommandSpec().optionsMap().containsKey("--help") || cl.getParent() == null) {
            return cl.getCommandSpec().qualifiedName() + " --help";
        }
        return cl.getParent().getCommandSpec().qualifiedName() + " help " + cl.getCommandName();
    }

    /** Anything a command threw: one line, exit 1. */
    static final class CommandFailures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
            Throwable failure = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
            report(cl.getErr(), prefix(cl), failure);
            return cl.getCommandSpec().exitCodeOnExecutionException();
        }
    }

    /**
     * picocli hands exceptions to the handler above but lets Errors (OutOfMemoryError,
     * StackOverflowError) escape; this strategy turns them into failures of the command
     * that was running, so they get the same one line.
     */
    static final class ErrorsAsFailures implements IExecutionStrategy {
        private final IExecutionStrategy delegate;

        ErrorsAsFailures(IExecutionStrategy delegate) {
            this.delegate = delegate;
        }

        @Override
        public int execute(ParseResult parseResult) {
            try {
                return delegate.execute(parseResult);
            } catch (Error e) {
                ParseResult last = parseResult;
                while (last.hasSubcommand()) {
                    last = last.subcommand();
                }
                throw new ExecutionException(last.commandSpec().commandLine(), "", e);
            }
        }
    }

    /**
     * One line for a failure: its message, then each cause's where it says
     * something new; I/O errors as "path: reason"; no Java class names.
     */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 10; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof ExecutionException && t.getCause() != null) {
                continue; // picocli's wrapper says nothing of its own
            }
            if (t instanceof FileSystemException fs && fs.getFile() != null && line.indexOf(fs.getFile()) >= 0) {
                if (line.indexOf(reason(fs)) < 0) {
                    line.append(": ").append(reason(fs)); // the wrapper named the path already
                }
                continue;
            }
            String part = stripClassNames(ownMessage(t));
            if (part.isBlank() || line.indexOf(part) >= 0) {
                continue; // a wrapper that repeated its cause's message
            }
            line.append(line.isEmpty() ? "" : ": ").append(part);
        }
        return line.isEmpty() ? plainName(failure) : oneLine(line.toString());
    }

    /** "cannot write /x/y: Read-only file system": the path once, then the operating system's reason. */
    static String cannot(String verb, java.nio.file.Path path, java.io.IOException e) {
        if (e instanceof FileSystemException fs && path.toString().equals(fs.getFile()) && fs.getOtherFile() == null) {
            return "cannot " + verb + " " + path + ": " + reason(fs);
        }
        return "cannot " + verb + " " + path + ": " + describe(e);
    }

    private static String ownMessage(Throwable t) {
        if (t instanceof FileSystemException fs && fs.getFile() != null) {
            return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": " + reason(fs);
        }
        if (t instanceof OutOfMemoryError) {
            return String.format(Locale.ROOT, "out of memory (%s; this JVM's max heap is %.1f GiB: give it more with"
                    + " JAVA_TOOL_OPTIONS=-Xmx<size>, or ask for less)", t.getMessage() == null ? "no detail"
                    : t.getMessage(), Runtime.getRuntime().maxMemory() / (double) (1L << 30));
        }
        if (t instanceof StackOverflowError) {
            return "internal error: stack overflow";
        }
        if (t instanceof NullPointerException) {
            // the JDK's helpful message names methods and classes: for the debug trace, not the user
            return "internal error: a required value was missing (" + DEBUG_VARIABLE + "=1 shows where)";
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? plainName(t) : message;
    }

    /** The operating system's words for an I/O error where Java keeps only the exception's type. */
    static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        return "input/output error";
    }

    /** "IllegalStateException" -> "illegal state": what happened, without the class name. */
    private static String plainName(Throwable t) {
        String name = t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
        String words = name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).strip();
        return words.isEmpty() ? "unexpected failure" : words;
    }

    /** Removes "java.io.UncheckedIOException: " and the like that messages built from toString() carry. */
    static String stripClassNames(String message) {
        return message.replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?:: )?", "")
                .replace(" ()", "").strip();
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
