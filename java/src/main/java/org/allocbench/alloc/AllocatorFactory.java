package org.allocbench.alloc;

import java.util.function.Supplier;

/**
 * One allocator the suite knows: its name, a one-line description, whether it
 * can run on this machine (and if not, exactly what is missing), how to make a
 * fresh instance (one per replay iteration), and whether it skips frees (it
 * cannot free single allocations, {@link Capabilities#individualFree()} false:
 * known without making one, so reports can say so anywhere).
 */
public record AllocatorFactory(String name, String description, Availability availability,
        Supplier<Allocator> creator, boolean skipsFrees) {

    /** An allocator that frees single allocations. */
    public AllocatorFactory(String name, String description, Availability availability, Supplier<Allocator> creator) {
        this(name, description, availability, creator, false);
    }

    /** Whether it can run here; if not, the reason names what to install. */
    public record Availability(boolean available, String reason) {

        public static final Availability YES = new Availability(true, "");

        public static Availability missing(String reason) {
            return new Availability(false, reason);
        }
    }

    /** A fresh instance; throws {@link IllegalStateException} with the reason when unavailable. */
    public Allocator create() {
        if (!availability.available()) {
            throw new IllegalStateException("allocator " + name + " is unavailable: " + availability.reason());
        }
        return creator.get();
    }
}
