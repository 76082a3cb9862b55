package org.allocbench.arena;

import java.lang.ref.Cleaner;

/**
 * Releases a thread's cache of arena blocks ({@link BlockCache}) once nothing
 * can use it any more, on one cleaner thread for all threads' caches.
 *
 * <p>Each cache has an anchor: the thread-local value, also held by every block
 * source of the thread. The anchor is unreachable once the thread has cleared
 * its thread locals (at its end, or a common-pool worker between tasks) and no
 * source of the thread is left; then the release runs here. The release must
 * refer to the cache, never to the anchor, or the anchor would stay reachable.
 */
final class ThreadCacheCleaner {

    private ThreadCacheCleaner() {
    }

    /** Runs {@code release} on the cleaner's thread once {@code anchor} is unreachable. */
    static void releaseWhenUnreachable(Object anchor, Thread owner, Runnable release) {
        Holder.CLEANER.register(anchor, new Release(owner, release));
    }

    /** Created on first use: the cleaner's daemon thread only exists once some thread caches blocks. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("allocbench-block-caches").factory());
    }

    private record Release(Thread owner, Runnable release) implements Runnable {
        @Override
        public void run() {
            // If the thread has ended, isAlive() returning false orders all it did before what follows
            // (JLS 17.4.4). If it lives on with its thread locals erased, its last use of the cache came
            // before the GC that found the anchor unreachable, as for any Cleaner action.
            owner.isAlive();
            release.run();
        }
    }
}
