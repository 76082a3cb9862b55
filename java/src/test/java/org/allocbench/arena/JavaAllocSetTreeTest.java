package org.allocbench.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.MemoryContextException;
import org.allocbench.nativecore.MemoryContextRow;
import org.allocbench.nativecore.NativeMemoryContext;
import org.junit.jupiter.api.Test;

/**
 * The Java AllocSet's context tree, as PostgreSQL's mcxt: children newest
 * first, a reset deletes the children, a delete the descendants (leaves
 * first) and leaves the parent; and the tree's MemoryContextStats text and
 * rows, equal to the native core's for the same tree.
 */
class JavaAllocSetTreeTest {

    private static final AllocSetSizes SMALL = AllocSetSizes.SMALL;

    private static JavaAllocSet child(JavaAllocSet parent, String name) {
        return parent.createChild(name, SMALL.minContextSize(), SMALL.initBlockSize(), SMALL.maxBlockSize());
    }

    @Test
    void childrenAreListedNewestFirstAndKeepTheirOwnMemory() {
        try (JavaAllocSet top = new JavaAllocSet("Top", AllocSetSizes.DEFAULT)) {
            JavaAllocSet a = child(top, "A");
            JavaAllocSet b = child(top, "B");
            assertEquals(List.of(b, a), top.children());
            assertSame(top, a.parent());
            a.alloc(100);
            assertEquals(new MemoryContextCounters(1, 0, 1024, 648, 376), a.stats());
            assertEquals(new MemoryContextCounters(1, 0, 8192, 7952, 240), top.stats(), "a child's memory is its own");
        }
    }

    @Test
    void aResetDeletesTheChildrenAndKeepsTheContext() {
        JavaAllocSet top = new JavaAllocSet("Top", AllocSetSizes.DEFAULT);
        JavaAllocSet a = child(top, "A");
        JavaAllocSet a1 = child(a, "A1");
        top.alloc(50);
        top.reset();
        assertFalse(a.isOpen());
        assertFalse(a1.isOpen());
        assertEquals(List.of(), top.children());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a1.alloc(8));
        assertEquals("memory context \"A1\" has been deleted", e.getMessage());
        assertEquals(new MemoryContextCounters(1, 0, 8192, 7952, 240), top.stats());
        top.close();
    }

    @Test
    void aDeleteTakesTheDescendantsAndLeavesTheParent() {
        try (JavaAllocSet top = new JavaAllocSet("Top", AllocSetSizes.DEFAULT)) {
            JavaAllocSet a = child(top, "A");
            JavaAllocSet b = child(top, "B");
            JavaAllocSet a1 = child(a, "A1");
            JavaAllocSet a2 = child(a1, "A2");
            a2.alloc(20_000); // a dedicated block, given back with its context
            a.close();
            assertFalse(a.isOpen() || a1.isOpen() || a2.isOpen());
            assertNull(a.parent());
            assertEquals(List.of(b), top.children());
            a.close(); // idempotent
            b.close();
            assertEquals(List.of(), top.children());
        }
    }

    @Test
    void aChildsSizesAreCheckedWithTheNativeMessages() {
        try (JavaAllocSet top = new JavaAllocSet("Top", AllocSetSizes.DEFAULT)) {
            MemoryContextException e = assertThrows(MemoryContextException.class,
                    () -> top.createChild("bad", 0, 1000, 8192));
            assertTrue(e.getMessage().startsWith("invalid initBlockSize 1000"), e.getMessage());
            assertEquals(List.of(), top.children());
        }
    }

    @Test
    void theTreesDumpAndRowsAreTheNativeCoresForTheSameTree() {
        try (JavaAllocSet top = new JavaAllocSet("Top", AllocSetSizes.DEFAULT);
                NativeMemoryContext ntop = NativeMemoryContext.create("Top")) {
            // 103 children, some with children and chunks: more than a dump lists per parent
            for (int i = 0; i < 103; i++) {
                JavaAllocSet c = child(top, "c" + i);
                NativeMemoryContext n = ntop.createChild("c" + i, SMALL);
                if (i % 10 == 0) {
                    child(c, "g" + i).alloc(8 * i + 1);
                    n.createChild("g" + i, SMALL).allocate(8 * i + 1);
                }
                c.alloc(i + 1);
                n.allocate(i + 1);
            }
            top.alloc(5000);
            ntop.allocate(5000);
            assertEquals(ntop.dump(), JavaContextStats.dump(top));
            assertEquals(ntop.dump(2), JavaContextStats.dump(top, 2));
            List<MemoryContextRow> rows = JavaContextStats.rows(top);
            assertEquals(ntop.rows(), rows);
            assertEquals(103 + 11 + 1, rows.size());
        }
    }
}
