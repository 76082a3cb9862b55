package org.allocbench.alloc;

import java.util.LinkedHashSet;

/**
 * The Java side of a context-tree allocator's tree ({@link Capabilities#contextTree()}): which child
 * instances a context has, so that when the native side releases a subtree in one call (MemoryContextReset
 * deletes the children, MemoryContextDelete the descendants) the Java instances of those contexts are closed
 * too and a stale one throws instead of reaching freed memory. Not on any per-op path: only child creation,
 * reset and close touch it, and a context without children costs one null check there.
 *
 * <p>Not thread-safe; a version 2 replay creates, resets and deletes contexts alone (nothing else runs then).
 */
final class ContextTree {

    private final AbstractAllocator owner;
    private final ContextTree parent;
    /** Null until the first child; insertion order (oldest first), so newest-first is the reverse. */
    private LinkedHashSet<ContextTree> children;

    private ContextTree(AbstractAllocator owner, ContextTree parent) {
        this.owner = owner;
        this.parent = parent;
    }

    /** The node of a root context. */
    static ContextTree root(AbstractAllocator owner) {
        return new ContextTree(owner, null);
    }

    /** The node of a new child of this context, linked under it. */
    ContextTree child(AbstractAllocator childOwner) {
        ContextTree node = new ContextTree(childOwner, this);
        if (children == null) {
            children = new LinkedHashSet<>();
        }
        children.add(node);
        return node;
    }

    /**
     * Before a reset of the owner: every descendant's instance is closed (the reset releases their memory).
     * Without recursion, so a deep tree cannot overflow the stack.
     */
    void childrenReleased() {
        if (children == null || children.isEmpty()) {
            return;
        }
        java.util.ArrayDeque<ContextTree> pending = new java.util.ArrayDeque<>();
        pending.push(this);
        while (!pending.isEmpty()) {
            ContextTree node = pending.pop();
            if (node.children != null) {
                for (ContextTree child : node.children) {
                    pending.push(child);
                }
                node.children.clear();
            }
            if (node != this) {
                node.owner.markReleased();
            }
        }
    }

    /** Before a delete of the owner: the descendants are closed, and the owner leaves its parent's children. */
    void released() {
        childrenReleased();
        if (parent != null && parent.children != null) {
            parent.children.remove(this);
        }
    }

    /** How many children the owner has now (for tests). */
    int childCount() {
        return children == null ? 0 : children.size();
    }
}
