package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees: child order, reparenting, and the PostgreSQL-format dump and row listing. */
class ContextTreeTest {

    /** Top (DEFAULT) > Child (SMALL, ident "my ident", one 100-byte chunk) > Grandchild (SMALL). */
    private static NativeMemoryContext threeLevelTree() {
        NativeMemoryContext top = NativeMemoryContext.create("Top");
        NativeMemoryContext child = top.createChild("Child", AllocSetSizes.SMALL);
        child.setIdent("my ident");
        child.createChild("Grandchild", AllocSetSizes.SMALL);
        child.allocate(100); // 136 of the child's 784 free bytes
        return top;
    }

    @Test
    void threeLevelTreeDumpsInPostgresFormat() {
        try (NativeMemoryContext top = threeLevelTree()) {

            // totals: 8192 + 1024 + 1024 = 10240; free 7952 + 648 + 784 = 9384; used 240 + 376 + 240 = 856
            assertEquals("""
                    Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used
                      Child: 1024 total in 1 blocks; 648 free (0 chunks); 376 used: my ident
                        Grandchild: 1024 total in 1 blocks; 784 free (0 chunks); 240 used
                    Grand total: 10240 bytes in 3 blocks; 9384 free (0 chunks); 856 used
                    """, top.dump());
            assertEquals(new MemoryContextCounters(3, 0, 10240, 9384, 856), top.statsRecursive());
        }
    }

    @Test
    void rowsHavePgBackendMemoryContextsColumns() {
        try (NativeMemoryContext top = threeLevelTree()) {

            assertEquals(List.of(
                    new MemoryContextRow("Top", null, null, 0, new MemoryContextCounters(1, 0, 8192, 7952, 240)),
                    new MemoryContextRow("Child", "my ident", "Top", 1,
                            new MemoryContextCounters(1, 0, 1024, 648, 376)),
                    new MemoryContextRow("Grandchild", null, "Child", 2,
                            new MemoryContextCounters(1, 0, 1024, 784, 240))),
                    top.rows());
        }
    }

    @Test
    void childrenBeyondTheLimitAreSummarisedWithTheirDescendants() {
        try (NativeMemoryContext top = NativeMemoryContext.create("Top")) {
            NativeMemoryContext a = top.createChild("A", AllocSetSizes.SMALL);
            top.createChild("B", AllocSetSizes.SMALL);
            top.createChild("C", AllocSetSizes.SMALL);
            a.createChild("A1", AllocSetSizes.SMALL);

            // newest first: C, B listed; A and its child A1 summed: 2 contexts, 2048 total
            assertEquals("""
                    Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used
                      C: 1024 total in 1 blocks; 784 free (0 chunks); 240 used
                      B: 1024 total in 1 blocks; 784 free (0 chunks); 240 used
                      2 more child contexts containing 2048 total in 2 blocks; 1568 free (0 chunks); 480 used
                    Grand total: 12288 bytes in 5 blocks; 11088 free (0 chunks); 1200 used
                    """, top.dump(2));
        }
    }

    @Test
    void longIdentIsCutAt100BytesAndControlCharactersBecomeSpaces() {
        try (NativeMemoryContext top = NativeMemoryContext.create("Top")) {
            top.setIdent("SELECT\n1" + "x".repeat(200));
            String line = top.dump().lines().findFirst().orElseThrow();
            assertEquals("Top: 8192 total in 1 blocks; 7952 free (0 chunks); 240 used: SELECT 1" + "x".repeat(92) + "...",
                    line);
        }
    }

    @Test
    void setParentMovesASubtreeAndRefusesCycles() {
        try (NativeMemoryContext top = NativeMemoryContext.create("Top");
                NativeMemoryContext other = NativeMemoryContext.create("Other")) {
            NativeMemoryContext child = top.createChild("Child", AllocSetSizes.SMALL);
            NativeMemoryContext grandchild = child.createChild("Grandchild", AllocSetSizes.SMALL);

            child.setParent(other);
            assertEquals(List.of(child), other.children());
            assertEquals(List.of(), top.children());
            assertEquals(3, other.rows().size());

            MemoryContextException cycle = assertThrows(MemoryContextException.class, () -> child.setParent(grandchild));
            assertEquals("cannot make memory context \"Child\" a child of itself or of its descendant \"Grandchild\"",
                    cycle.getMessage());

            child.setParent(null);
            assertEquals(null, child.parent());
            assertEquals(1, other.rows().size());
            child.close();
        }
    }

    @Test
    void childrenAreListedNewestFirst() {
        try (NativeMemoryContext top = NativeMemoryContext.create("Top")) {
            NativeMemoryContext first = top.createChild("First");
            NativeMemoryContext second = top.createChild("Second");
            assertEquals(List.of(second, first), top.children());
            assertEquals(List.of("Top", "Second", "First"), top.rows().stream().map(MemoryContextRow::name).toList());
        }
    }
}
