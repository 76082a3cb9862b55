package org.allocbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.TraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code allocbench trace gen}: writes a built-in pattern ({@link Pattern}) as
 * a trace file, or every pattern into a directory. Deterministic: the same
 * pattern, op count and seed give the same file. Each file starts with
 * comment lines naming the pattern, its description, the op count and the
 * seed, so the file says how to make it again. The help lists the patterns
 * with their one-line descriptions.
 */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = {"Generate built-in allocation patterns as trace files.",
            "  allocbench trace gen PATTERN [--ops N] [--seed S] [-o FILE]",
            "  allocbench trace gen --all [--ops N] [--seed S] --dir DIR [--gzip]",
            "Without -o the trace goes to standard output; a FILE ending in .gz is gzipped.",
            "Same pattern, ops and seed: the same trace."})
final class TraceGenCommand implements Callable<Integer> {

    private static final String PATTERNS_SECTION = "patterns";

    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATTERN", description = "The pattern to generate (listed below).")
    private String pattern;

    @Option(names = "--all", description = "Generate every pattern, each into DIR/NAME.trace (see --dir, --gzip).")
    private boolean all;

    @Option(names = "--ops", defaultValue = "100000", paramLabel = "N", converter = OpCount.class,
            description = "Operations per trace, exactly (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE (gzip if it ends in .gz) instead of standard output.")
    private Path output;

    @Option(names = "--dir", paramLabel = "DIR", description = "With --all: the directory to write into (created if missing).")
    private Path dir;

    @Option(names = "--gzip", description = "With --all: write DIR/NAME.trace.gz instead of DIR/NAME.trace.")
    private boolean gzip;

    /** Injected by picocli when the command is built: adds the pattern list to the help, before the footer. */
    @Spec
    void spec(CommandSpec commandSpec) {
        this.spec = commandSpec;
        UsageMessageSpec usage = commandSpec.usageMessage();
        Map<String, IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(PATTERNS_SECTION, TraceGenCommand::patternTable);
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), PATTERNS_SECTION);
        usage.sectionMap(sections);
        usage.sectionKeys(keys);
    }

    /** Every pattern's name and one-line description, the description wrapped in its own column. */
    private static String patternTable(Help help) {
        int nameWidth = Pattern.names().stream().mapToInt(String::length).max().orElse(0) + 4;
        int width = help.commandSpec().usageMessage().width();
        Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                new Help.Column(nameWidth, 2, Help.Column.Overflow.SPAN),
                new Help.Column(Math.max(20, width - nameWidth), 0, Help.Column.Overflow.WRAP));
        for (Pattern p : Pattern.values()) {
            table.addRowValues(p.patternName(), p.description());
        }
        return System.lineSeparator() + "Patterns:" + System.lineSeparator() + table;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = usageProblem();
        if (usage != null) {
            err.println("allocbench trace gen: " + usage);
            err.flush();
            return 2;
        }
        List<Pattern> chosen;
        try {
            chosen = all ? List.of(Pattern.values()) : List.of(Pattern.byName(pattern));
        } catch (IllegalArgumentException e) {
            err.println("allocbench trace gen: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path file = dir;
        try {
            if (all) {
                Files.createDirectories(dir);
            }
            for (Pattern p : chosen) {
                OpSequence sequence = p.generate(ops, seed);
                file = all ? dir.resolve(p.patternName() + (gzip ? ".trace.gz" : ".trace")) : output;
                if (file == null) {
                    TraceWriter.write(sequence, System.out, comments(p)); // flushed, left open
                } else {
                    TraceWriter.write(sequence, file, comments(p));
                    out.printf(Locale.ROOT, "%s: %,d ops, %,d slots (%s, seed %d)%n", file, sequence.length(),
                            sequence.slots(), p.patternName(), seed);
                    out.flush();
                }
            }
        } catch (IOException e) {
            err.println("allocbench trace gen: error: " + (file == null ? "cannot write standard output: "
                    + Failures.describe(e) : Failures.cannot("write", file, e)));
            err.flush();
            return 1;
        }
        return 0;
    }

    /** What is wrong with the combination of arguments, or null. */
    private String usageProblem() {
        if (all) {
            if (pattern != null) {
                return "give a PATTERN or --all, not both";
            }
            if (dir == null) {
                return "--all writes one file per pattern: give --dir DIR";
            }
            if (output != null) {
                return "--all writes into --dir, not to one -o file";
            }
            return prefixed("--dir: ", OutputPaths.directoryProblem(dir));
        }
        if (pattern == null) {
            return "give a PATTERN (see --help for the list) or --all --dir DIR";
        }
        if (dir != null || gzip) {
            return "--dir and --gzip go with --all; for one pattern use -o FILE (ending in .gz to compress)";
        }
        return output == null ? null : prefixed("-o: ", OutputPaths.fileProblem(output));
    }

    private static String prefixed(String prefix, String problem) {
        return problem == null ? null : prefix + problem;
    }

    /** The comment lines at the top of a generated file: how to make it again. */
    private List<String> comments(Pattern p) {
        return List.of("generated by allocbench trace gen " + p.patternName() + " --ops " + ops + " --seed " + seed,
                p.patternName() + ": " + p.description());
    }
}
