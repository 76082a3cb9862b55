package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.allocbench.results.ResultsStore;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnvCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute(args));
        return out.toString();
    }

    @Test
    void tableAndJson() throws Exception {
        String table = run("env");
        for (String key : new String[] {"hostname", "kernel", "cpuModel", "logicalCpus", "memTotalBytes",
            "transparentHugePages.enabled", "transparentHugePages.defrag", "transparentHugePages.shmemEnabled",
            "cpuGovernor", "jvm.version", "jvm.vendor", "jvm.args", "glibcVersion", "allocators.aset-native",
            "allocators.glibc", "postgresql15.available", "allocbench.version", "allocbench.gitCommit",
            "allocbench.jar", "allocbench.jarSha256"}) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith(key + " ")), key + " missing in\n" + table);
        }
        JsonNode json = ResultsStore.json().readTree(run("env", "--json"));
        assertEquals(Runtime.getRuntime().availableProcessors(), json.get("logicalCpus").asInt());
        assertTrue(json.get("allocators").has("netty-pooled"));
    }
}
