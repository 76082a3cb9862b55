package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The optional root stands in for {@code /} in a lookup; unset or blank, lookups are where they always were. */
class OptionalRootTest {

    private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

    @Test
    void unsetLooksWhereItAlwaysLooked() {
        assertNull(OptionalRoot.fromEnvironment(null));
        assertNull(OptionalRoot.fromEnvironment("  "));
        assertEquals(PG_BIN, OptionalRoot.resolve(null, PG_BIN));
    }

    @Test
    void setTheSamePathIsLookedForUnderTheDirectory() {
        Path root = OptionalRoot.fromEnvironment("/tmp/allocbench-empty/../allocbench-empty");
        assertEquals(Path.of("/tmp/allocbench-empty"), root);
        assertEquals(Path.of("/tmp/allocbench-empty/usr/lib/postgresql/15/bin"), OptionalRoot.resolve(root, PG_BIN));
        assertEquals(Path.of("/tmp/allocbench-empty"), OptionalRoot.resolve(root, Path.of("/")));
    }

    @Test
    void aRelativeDirectoryIsTakenFromTheWorkingDirectory() {
        assertEquals(Path.of("").toAbsolutePath().resolve("empty"), OptionalRoot.fromEnvironment("empty"));
    }

    @Test
    void onlyAbsolutePathsAreLookedFor() {
        assertThrows(IllegalArgumentException.class, () -> OptionalRoot.resolve(null, Path.of("usr/lib")));
    }
}
