package org.allocbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code ansible all --list-hosts} says, read as the fleet's hosts or as one line saying why there are none
 * (Ansible's own output, as ansible-core 2.14 prints it, with its warnings wrapped at 80 columns).
 */
class InventoryTest {

    private static final Path INVENTORY = Path.of("hosts.ini");

    @Test
    void theHosts() {
        assertEquals(List.of("alpha", "beta", "db1.example.org"),
                Inventory.hosts("  hosts (3):\n    alpha\n    beta\n    db1.example.org\n", 0, INVENTORY, null));
    }

    @Test
    void anInventoryAnsibleCannotParseSaysWhy() {
        String output = """
                [WARNING]:  * Failed to parse /tmp/x/hosts.ini with ini plugin: not
                enough values to unpack (expected 3, got 2)
                [WARNING]: Unable to parse /tmp/x/hosts.ini as an inventory source
                ERROR! No inventory was parsed, please check your configuration and options.
                """;
        assertEquals("--inventory: Ansible cannot read hosts.ini: Failed to parse /tmp/x/hosts.ini with ini plugin:"
                + " not enough values to unpack (expected 3, got 2)", refused(output, 1, null));
    }

    @Test
    void noHostAndALimitThatMatchesNone() {
        assertEquals("--inventory: hosts.ini lists no host", refused("  hosts (0):\n", 0, null));
        String output = """
                [WARNING]: Could not match supplied host pattern, ignoring: zzz
                ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.
                """;
        assertEquals("--limit zzz matches no host of hosts.ini", refused(output, 1, "zzz"));
    }

    @Test
    void aHostWhoseNameCannotNameADirectoryIsRefusedBeforeTheRun() {
        assertEquals("--inventory: host \"fe80::1\" is not a usable host name: letters, digits, '.', '_' and '-',"
                + " starting with a letter or digit (it names the host's directory in the fleet run): give it"
                + " another name, e.g. NAME ansible_host=fe80::1",
                refused("  hosts (2):\n    alpha\n    fe80::1\n", 0, null));
    }

    private static String refused(String output, int exit, String limit) {
        return assertThrows(IllegalArgumentException.class, () -> Inventory.hosts(output, exit, INVENTORY, limit))
                .getMessage();
    }
}
