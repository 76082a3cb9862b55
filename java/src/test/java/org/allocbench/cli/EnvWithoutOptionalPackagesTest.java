package org.allocbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.allocbench.ChildJvm;
import org.allocbench.nativecore.OptionalRoot;
import org.allocbench.results.ResultsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The switch that makes a machine with every optional package look like a
 * fresh one works: with {@code ALLOCBENCH_OPTIONAL_ROOT} at an empty
 * directory, a child {@code allocbench env} finds no peer library and no
 * PostgreSQL 15, and names the Debian package for each. (CI's second pass
 * relies on this to prove that the tests skip rather than fail without them.)
 */
class EnvWithoutOptionalPackagesTest {

    private static final Map<String, String> PEER_PACKAGES = Map.of("jemalloc", "libjemalloc2",
            "mimalloc", "libmimalloc2.0", "mimalloc-heap", "libmimalloc2.0", "tcmalloc", "libtcmalloc-minimal4");

    @Test
    void anEmptyOptionalRootHidesEveryPeerAndPostgres(@TempDir Path empty) throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of(OptionalRoot.VARIABLE, empty.toString()), "env", "--json");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        JsonNode env = ResultsStore.json().readTree(r.stdout());
        JsonNode allocators = env.get("allocators");
        PEER_PACKAGES.forEach((peer, pkg) -> {
            String said = allocators.get(peer).asText();
            assertTrue(said.startsWith("unavailable: ") && said.contains("install Debian package " + pkg)
                    && said.contains(empty.toString()), peer + ": " + said);
        });
        assertTrue(allocators.get("glibc").asText().startsWith("glibc 2."), "the C library is not optional");
        JsonNode pg = env.get("postgresql15");
        assertFalse(pg.get("available").asBoolean(), pg.toString());
        String reason = pg.get("reason").asText();
        assertTrue(reason.contains("apt-get install postgresql-15 postgresql-server-dev-15")
                && reason.contains(empty.resolve("usr/lib/postgresql/15/bin").toString()), reason);
    }
}
