package org.allocbench.alloc;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
        all.add(new AllocatorFactory("aset-java", "the same AllocSet in pure Java over MemorySegment",
                AllocatorFactory.Availability.YES, () -> new JavaAllocSetAllocator(AllocSetSizes.DEFAULT)));
        all.addAll(NativePeers.factories());
        all.addAll(JavaPeers.factories());
        return List.copyOf(all);
    }

    /**
     * The harness floor, {@code null} ({@link NullAllocator}): a bump pointer that ignores frees. Not in
     * {@link #all()}: it is not a peer, so contract tests and rankings leave it out; benchmarks and the quick
     * run measure it next to the real allocators as the cost of the harness itself.
     */
    public static AllocatorFactory harnessFloor() {
        return new AllocatorFactory("null", "harness floor: bump pointer, frees ignored, not a real allocator",
                AllocatorFactory.Availability.YES, NullAllocator::new);
    }

    /**
     * The allocator called {@code name}, one of {@link #all()} or {@code null} ({@link #harnessFloor()}); an
     * unknown name is an error that lists the known ones.
     */
    public static AllocatorFactory byName(String name) {
        List<AllocatorFactory> all = new ArrayList<>(all());
        all.add(harnessFloor());
        return all.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown allocator \"" + name + "\"; known: "
                        + all.stream().map(AllocatorFactory::name).collect(Collectors.joining(", "))));
    }
}
