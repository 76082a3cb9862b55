package org.allocbench.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.allocbench.arena.JavaAllocSet;
import org.allocbench.nativecore.AllocSetSizes;

/** Every allocator the suite knows, available here or not, in a stable order. */
public final class Allocators {

    private Allocators() {
    }

    /** All of them: the AllocSets first (PostgreSQL 16+ and 15 layouts in C, Java), then the native peers, then the Java ones. */
    public static List<AllocatorFactory> all() {
        List<AllocatorFactory> all = new ArrayList<>();
        all.add(new AllocatorFactory("aset-native", "PostgreSQL's AllocSet in C (liballocbench), per-op FFM calls",
                AllocatorFactory.Availability.YES, () -> new NativeAllocSetAllocator(AllocSetSizes.DEFAULT)));
        all.add(new AllocatorFactory("aset-pg15", "the same C AllocSet with PostgreSQL 15's 16-byte chunk header"
                + " (liballocbench-pg15), per-op FFM calls",
                AllocatorFactory.Availability.YES, () -> new Pg15AllocSetAllocator(AllocSetSizes.DEFAULT)));
        all.add(new AllocatorFactory(JavaAllocSetAllocator.NAME, "the same AllocSet in pure Java over MemorySegment,"
                + " its blocks from malloc as the C one's (a downcall per block; freed blocks of exact sizes cached"
                + " per thread)", AllocatorFactory.Availability.YES,
                () -> new JavaAllocSetAllocator(AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.MALLOC)));
        all.add(new AllocatorFactory(JavaAllocSetAllocator.ZEROING_NAME, "the pure-Java AllocSet with its blocks"
                + " from JDK arenas (zero-filled, a per-thread cache of freed blocks): the price of zeroing",
                AllocatorFactory.Availability.YES,
                () -> new JavaAllocSetAllocator(AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.ARENA)));
        all.add(new AllocatorFactory(JavaAllocSetAllocator.HEAP_NAME, "the pure-Java AllocSet with its blocks in"
                + " Java arrays (long[], owned by the garbage collector): the price of the heap",
                AllocatorFactory.Availability.YES,
                () -> new JavaAllocSetAllocator(AllocSetSizes.DEFAULT, JavaAllocSet.Blocks.HEAP)));
        all.addAll(NativePeers.factories());
        all.addAll(JavaPeers.factories());
        return List.copyOf(all);
    }

    /**
     * Whether {@code name} is an allocator that cannot free single allocations ({@link Capabilities#individualFree()}
     * false: the JDK's arenas): it skips every free of a trace, so it does less work than the others, and results
     * report it apart, never in ratios or rankings. False for names that are not allocators (lanes, floors). Loads
     * nothing and makes no instance.
     */
    public static boolean skipsFrees(String name) {
        return JavaPeers.factories().stream().anyMatch(f -> f.name().equals(name) && f.skipsFrees());
    }

    /**
     * The allocator called {@code name}, one of {@link #all()}; an unknown name is an error that lists the
     * known ones. (The harness floor is not an allocator: it lives with the replay loop.)
     */
    public static AllocatorFactory byName(String name) {
        List<AllocatorFactory> all = all();
        return all.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown allocator \"" + name + "\"; known: "
                        + all.stream().map(AllocatorFactory::name).collect(Collectors.joining(", "))));
    }
}
