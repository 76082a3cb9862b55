package org.allocbench.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.CountingBlockSource;
import org.allocbench.nativecore.MemoryContextException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Allocator#child} for the allocators with a context tree (the three
 * AllocSets): a child is a context of its own with the given sizes; a reset of
 * an ancestor closes it, a close of an ancestor closes it, and a closed child
 * throws on use and closes again as a no-op; bad sizes are refused with the
 * AllocSet's message; allocators without contexts refuse children.
 */
class AllocatorChildrenTest {

    static Stream<String> asets() {
        return Stream.of("aset-native", "aset-pg15", "aset-java");
    }

    @ParameterizedTest
    @MethodSource("asets")
    void aChildIsAContextOfItsOwn(String name) {
        try (Allocator root = Allocators.byName(name).create()) {
            assertTrue(root.capabilities().contextTree());
            Allocator child = root.child("small", 0, 1024, 8192);
            assertEquals(name, child.name());
            AllocatorStats fresh = child.stats();
            assertEquals(1024, fresh.totalBytes().getAsLong());
            AllocatorStats rootBefore = root.stats();
            long chunk = child.alloc(100);
            child.free(child.resize(chunk, 100, 200));
            assertEquals(rootBefore, root.stats(), "the child's memory is its own");
            Allocator grandchild = child.child("deeper", 0, 8192, 8 << 20);
            grandchild.alloc(10);
            child.close();
            assertThrows(IllegalStateException.class, () -> grandchild.alloc(8), "deleted with its parent");
            grandchild.close();
            child.close();
        }
    }

    @ParameterizedTest
    @MethodSource("asets")
    void aResetClosesTheChildrenAndTheirDescendants(String name) {
        try (Allocator root = Allocators.byName(name).create()) {
            Allocator a = root.child("a", 0, 1024, 8192);
            Allocator a1 = a.child("a1", 0, 1024, 8192);
            a1.alloc(100);
            root.reset();
            assertThrows(IllegalStateException.class, () -> a.alloc(8));
            assertThrows(IllegalStateException.class, () -> a1.stats());
            a1.close();
            a.close();
            Allocator again = root.child("again", 0, 1024, 8192); // the root is fine
            again.alloc(8);
        }
    }

    @ParameterizedTest
    @MethodSource("asets")
    void badSizesAreRefusedWithTheAllocSetsMessage(String name) {
        try (Allocator root = Allocators.byName(name).create()) {
            MemoryContextException e = assertThrows(MemoryContextException.class,
                    () -> root.child("bad", 0, 8192, 4096));
            assertTrue(e.getMessage().startsWith("invalid maxBlockSize 4096: must be a multiple of 8, at least"
                    + " initBlockSize (8192)"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("asets")
    void aCheckedViewsChildIsCheckedToo(String name) {
        try (Allocator root = Allocators.byName(name).create().checked()) {
            Allocator child = root.child("c", 0, 1024, 8192);
            long mine = child.alloc(16);
            long other = root.alloc(16);
            assertThrows(IllegalArgumentException.class, () -> child.free(other), "not a chunk of this context");
            child.free(mine);
            root.free(other);
        }
    }

    @Test
    void childrenOfASegmentContextTakeTheirBlocksFromItsSource() {
        try (CountingBlockSource source = new CountingBlockSource()) {
            try (NativeAllocSetAllocator root = new NativeAllocSetAllocator(AllocSetSizes.DEFAULT, source)) {
                assertEquals(Capabilities.Sharing.SERIAL, root.capabilities().sharing());
                long before = source.counts().allocCalls();
                Allocator child = root.child("c", 0, 1024, 8192);
                assertEquals(before + 1, source.counts().allocCalls(), "the child's keeper block");
                child.alloc(5000); // a dedicated block
                assertEquals(before + 2, source.counts().allocCalls());
            }
            // the children went with the root: the source closes without complaint
        }
    }

    @Test
    void allocatorsWithoutContextsRefuseChildren() {
        for (String name : new String[] {"glibc", "jdk-arena", "netty-pooled"}) {
            try (Allocator a = Allocators.byName(name).create()) {
                assertTrue(!a.capabilities().contextTree(), name);
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> a.child("c", 0, 1024, 8192));
                assertEquals(name + " has no child contexts", e.getMessage());
            }
        }
        assertEquals(Capabilities.Sharing.CONCURRENT, Allocators.byName("glibc").create().capabilities().sharing());
    }
}
