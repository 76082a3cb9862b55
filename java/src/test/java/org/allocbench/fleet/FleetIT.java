package org.allocbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.allocbench.owned.JvmLauncher;
import org.allocbench.results.Cell;
import org.allocbench.results.ResultsStore;
import org.allocbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allocbench fleet} for real: the packaged jar runs the real playbook through ansible-playbook on an
 * inventory of two "hosts" on this machine (Ansible's local connection, a working directory each) and one that
 * cannot be reached (nothing listens on port 1). Both local hosts' runs come back and merge, the third is
 * recorded as not run with Ansible's reason, the fleet report is written, compare reads the fleet run, and the
 * hosts' working directories are gone. Skipped, naming the package, where ansible-playbook is not installed.
 */
class FleetIT {

    @Test
    void twoLocalHostsRunMergeAndReportAndAnUnreachableOneIsNotRun(@TempDir Path tmp) throws Exception {
        String missing = AnsibleFleet.missing();
        assumeTrue(missing == null, missing);
        Path jar = Path.of(System.getProperty("allocbench.jar"));
        Path inventory = Files.writeString(tmp.resolve("hosts.ini"), String.join("\n",
                "[local]",
                "alpha allocbench_workdir=" + tmp.resolve("alpha-work"),
                "beta allocbench_workdir=" + tmp.resolve("beta-work"),
                "[local:vars]",
                "ansible_connection=local",
                "ansible_python_interpreter=\"{{ ansible_playbook_python }}\"",
                "allocbench_install_packages=false",
                "[away]",
                "gamma ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh"
                        + " ansible_ssh_common_args=\"-o ConnectTimeout=5 -o StrictHostKeyChecking=no\"",
                ""));
        Path out = tmp.resolve("fleet");
        ProcessBuilder pb = new ProcessBuilder(JvmLauncher.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString(), "fleet", "--inventory",
                inventory.toString(), "--campaign", "gate", "--out", out.toString(), "--forks-per-host", "1",
                "--run-arg=--ops=2000", "--run-arg=--warmup=1", "--run-arg=--rounds=2", "--run-arg=--no-postgres",
                "--run-arg=--no-report").redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "the fleet hung"); // a bound on a hang only, never on speed
        assertEquals(0, p.exitValue(), output);

        assertTrue(output.contains("alpha: Run the campaign"), "progress per host:\n" + output);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("allocbench fleet: not run on gamma: unreachable: ")),
                output);
        RunResults merged = ResultsStore.read(out);
        assertEquals(List.of("alpha", "beta"), merged.hosts());
        assertEquals("gate", merged.run().campaign());
        for (String host : List.of("alpha", "beta")) {
            Cell c = merged.onHost(host).cell("aset-native", "small-churn", Cell.REPLAY);
            assertEquals(Cell.OK, c.status(), host + ": " + c);
        }
        Map<String, Map<String, Object>> hosts = FleetMerge.hosts(merged);
        assertEquals(Cell.NOT_RUN, hosts.get("gamma").get("status"));
        assertTrue(String.valueOf(hosts.get("gamma").get("reason")).startsWith("unreachable: "), hosts.toString());
        assertTrue(Files.readString(out.resolve("report.html")).contains("<h2 id=\"hosts\">Hosts</h2>"));
        assertTrue(output.contains("small-churn"), "the per-host tables:\n" + output);
        assertFalse(Files.exists(tmp.resolve("alpha-work")), "the playbook removes what it put on a host");
        assertFalse(Files.exists(tmp.resolve("beta-work")));
        assertTrue(Files.isRegularFile(out.resolve("ansible").resolve("ansible.log")));

        Process cmp = new ProcessBuilder(JvmLauncher.javaExecutable(), "--enable-native-access=ALL-UNNAMED", "-jar",
                jar.toString(), "compare", out.toString()).redirectErrorStream(true).start();
        String cmpOut = new String(cmp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cmp.waitFor(10, TimeUnit.MINUTES), "compare hung");
        assertEquals(0, cmp.exitValue(), cmpOut);
        assertTrue(cmpOut.lines().anyMatch(l -> l.matches("small-churn +alpha +beta")), cmpOut);
    }
}
