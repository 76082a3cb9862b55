package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgExtensionTest {

    @Test
    void scriptGetsTheLibraryPathAndLosesThePsqlGuard() {
        String script = "/* x */\n\\echo Use \"CREATE EXTENSION allocbench_pg\" to load this file. \\quit\n"
                + "CREATE FUNCTION f() RETURNS int AS 'MODULE_PATHNAME', 'f' LANGUAGE C;\n";
        assertEquals("/* x */\nCREATE FUNCTION f() RETURNS int AS '/tmp/o''brien/allocbench_pg.so', 'f' LANGUAGE C;\n",
                PgExtension.createScript(script, Path.of("/tmp/o'brien/allocbench_pg.so")));
    }

    @Test
    void theShippedScriptDefinesTheFunction() {
        String sql = PgExtension.createScript(Path.of("/x/allocbench_pg.so"));
        assertTrue(sql.contains("CREATE FUNCTION allocbench_replay(ops bytea, nslots int4, iterations int4"), sql);
        assertTrue(sql.contains("AS '/x/allocbench_pg.so', 'allocbench_replay'"), sql);
        assertFalse(sql.contains("MODULE_PATHNAME") || sql.contains("\\echo"), sql);
    }
}
