package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.allocbench.trace.OpSequence;
import org.allocbench.trace.Pattern;
import org.allocbench.trace.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code allocbench trace gen}: files that read back as the pattern's ops, a help that lists the patterns. */
class TraceGenCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryPatternWithItsDescription() {
        assertEquals(0, run("trace", "gen", "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        for (Pattern p : Pattern.values()) {
            assertTrue(help.contains(p.patternName() + " " + p.description().replaceAll("\\s+", " ")),
                    p.patternName() + " with its description in:\n" + out);
        }
    }

    @Test
    void writesOnePatternThatReadsBackAsItsOps() throws Exception {
        Path file = dir.resolve("sort.trace.gz");
        assertEquals(0, run("trace", "gen", "sort-tuples", "--ops", "5000", "--seed", "7", "-o", file.toString()), err.toString());
        OpSequence read = TraceReader.read(file);
        OpSequence expected = Pattern.SORT_TUPLES.generate(5000, 7);
        assertEquals(expected.slots(), read.slots());
        assertArrayEquals(expected.encoded(), read.encoded());
        assertTrue(out.toString().contains("5,000 ops"), out.toString());
    }

    @Test
    void writesEveryPatternIntoADirectory() throws Exception {
        Path target = dir.resolve("traces");
        assertEquals(0, run("trace", "gen", "--all", "--ops", "300", "--seed", "3", "--dir", target.toString(), "--gzip"),
                err.toString());
        for (Pattern p : Pattern.values()) {
            Path file = target.resolve(p.patternName() + ".trace.gz");
            assertTrue(Files.exists(file), file.toString());
            assertArrayEquals(p.generate(300, 3).encoded(), TraceReader.read(file).encoded(), p.patternName());
        }
        try (var files = Files.list(target)) {
            assertEquals(Pattern.values().length, files.count());
        }
    }

    @Test
    void refusesUnknownPatternsAndMixedUpArguments() {
        assertEquals(2, run("trace", "gen", "nonesuch"));
        assertTrue(err.toString().contains("known: small-churn"), err.toString());
        assertEquals(2, run("trace", "gen"));
        assertEquals(2, run("trace", "gen", "--all", "--ops", "10"));
        assertEquals(2, run("trace", "gen", "fifo", "--all", "--dir", dir.toString()));
        assertEquals(2, run("trace", "gen", "fifo", "--ops", "0"));
        assertEquals(2, run("trace", "gen", "fifo", "--dir", dir.toString()));
        assertEquals(1, run("trace", "gen", "fifo", "-o", dir.resolve("missing/x.trace").toString()));
        assertTrue(err.toString().contains("missing"), err.toString());
    }
}
