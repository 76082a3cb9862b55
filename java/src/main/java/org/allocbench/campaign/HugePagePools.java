package org.allocbench.campaign;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.allocbench.nativecore.HugePagePool;
import org.allocbench.nativecore.PageMapping;
import org.allocbench.owned.Ownership;
import org.allocbench.owned.Resource;

/**
 * The huge page pools a run raised, and their way back: raises nr_hugepages
 * where the run lacks pages and puts back the previous values once, from
 * {@link #restore} (the run's finally block) or the shutdown hook (Ctrl-C),
 * whichever comes first, since a forgotten reservation keeps gigabytes away
 * from everything else on the host. Each raise is claimed first, so a reaper
 * writes the previous value back after a kill.
 */
final class HugePagePools {

    private final Map<Long, Long> previous = new LinkedHashMap<>();
    /** Restores the pools if the JVM exits before {@link #restore} ran; it prints to stderr itself. */
    final Thread hook = new Thread(() -> restore(System.err::println), "allocbench-hugepages-restore");
    private boolean done;

    /** Reserves what {@code mapping} at {@code bytes} lacks; returns what it did, if anything. */
    Optional<String> ensure(PageMapping mapping, long bytes) {
        long pageSize = mapping.hugePageSize();
        HugePagePool pool = HugePagePool.of(pageSize);
        long needed = mapping.hugePagesNeeded(bytes);
        long available = pool.free() - pool.reserved();
        if (!pool.supported() || available >= needed) {
            return Optional.empty();
        }
        long target = pool.total() + needed - available;
        synchronized (this) {
            if (previous.putIfAbsent(pageSize, pool.total()) == null) {
                Ownership.claim(poolResource(pageSize, pool.total()));
            }
        }
        try {
            HugePagePool.reserve(pageSize, target);
        } catch (RuntimeException e) {
            return Optional.of("could not reserve " + target + " huge pages of " + (pageSize >> 10) + " kB: "
                    + e.getMessage());
        }
        HugePagePool now = HugePagePool.of(pageSize);
        return Optional.of(String.format(Locale.ROOT, "reserved: nr_hugepages of %d kB %d -> %d%s",
                pageSize >> 10, pool.total(), now.total(),
                now.total() < target ? " (asked for " + target + "; memory too fragmented for more)" : ""));
    }

    /** A raised pool as the owner record lists it: a reaper writes {@code previous} back after a kill. */
    private static Resource.HugePool poolResource(long pageSize, long previous) {
        return new Resource.HugePool(Path.of("/sys/kernel/mm/hugepages/hugepages-" + (pageSize >> 10)
                + "kB/nr_hugepages"), previous);
    }

    /** Puts every raised pool back (once; later calls do nothing), saying what it did to {@code report}. */
    synchronized void restore(Consumer<String> report) {
        if (done) {
            return;
        }
        done = true;
        previous.forEach((pageSize, total) -> {
            try {
                HugePagePool.reserve(pageSize, total);
                Ownership.release(poolResource(pageSize, total));
                long now = HugePagePool.of(pageSize).total();
                // on Ctrl-C a fork may still map pages: the kernel frees them (surplus) when it exits
                report.accept(String.format(Locale.ROOT, "restored: nr_hugepages of %d kB back to %d%s",
                        pageSize >> 10, total, now == total ? ""
                                : " (" + now + " until a fork still mapping them exits)"));
            } catch (RuntimeException e) {
                report.accept(String.format(Locale.ROOT, "could not restore nr_hugepages of %d kB to %d: %s;"
                        + " do it by hand: echo %d > /sys/kernel/mm/hugepages/hugepages-%dkB/nr_hugepages",
                        pageSize >> 10, total, e.getMessage(), total, pageSize >> 10));
            }
        });
    }
}
