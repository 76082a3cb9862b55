package org.allocbench.alloc;

import java.util.List;

/**
 * The pure-Java peers: the JDK's confined arena, the JDK's slicing allocator
 * over arena blocks, and Netty's pooled allocator. The JDK ones are always
 * available; Netty is a dependency packaged into the jar, so it is missing only
 * from a jar built without it, which is then reported, not hidden.
 */
public final class JavaPeers {

    private JavaPeers() {
    }

    public static List<AllocatorFactory> factories() {
        return List.of(
                new AllocatorFactory("jdk-arena",
                        "JDK Arena.ofConfined: one zeroed malloc per allocation, no single free, reset closes the arena",
                        AllocatorFactory.Availability.YES, ConfinedArenaAllocator::new, true),
                new AllocatorFactory("jdk-slicing",
                        "JDK SegmentAllocator.slicingAllocator over arena blocks (8 KiB doubling to 8 MiB), no single free",
                        AllocatorFactory.Availability.YES, SlicingArenaAllocator::new, true),
                new AllocatorFactory("netty-pooled",
                        "Netty PooledByteBufAllocator, direct buffers, one allocator per thread, thread cache on",
                        nettyAvailability(), NettyPooledAllocator::new));
    }

    private static AllocatorFactory.Availability nettyAvailability() {
        try {
            Class.forName("io.netty.buffer.PooledByteBufAllocator", false, JavaPeers.class.getClassLoader());
            return AllocatorFactory.Availability.YES;
        } catch (ClassNotFoundException | LinkageError e) {
            return AllocatorFactory.Availability.missing(
                    "io.netty:netty-buffer is not on the class path (this jar was built without it): " + e);
        }
    }
}
