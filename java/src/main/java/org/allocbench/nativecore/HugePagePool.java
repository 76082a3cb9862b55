package org.allocbench.nativecore;

/**
 * The kernel's pool of huge pages of one size
 * (/sys/kernel/mm/hugepages/hugepages-NkB): {@code total} = nr_hugepages,
 * {@code free}, {@code reserved} = promised to mappings but not yet faulted.
 * {@code total} is -1 when the kernel does not support the size.
 */
public record HugePagePool(long pageSize, long total, long free, long reserved) {

    public boolean supported() {
        return total >= 0;
    }

    /** The pool of {@code pageSize} (0 = the system default, Hugepagesize in /proc/meminfo). */
    public static HugePagePool of(long pageSize) {
        return SharedSegmentNative.hugePool(pageSize);
    }

    /**
     * Sets nr_hugepages of {@code pageSize} to {@code pages} (needs root). The
     * kernel may give fewer (fragmented memory): read {@link #of} afterwards.
     */
    public static void reserve(long pageSize, long pages) {
        SharedSegmentNative.hugeReserve(pageSize, pages);
    }

    /** Hugepagesize from /proc/meminfo in bytes, 0 if the kernel has no hugetlb. */
    public static long defaultPageSize() {
        return SharedSegmentNative.hugeDefaultSize();
    }

    public String describe() {
        return supported()
                ? "huge pages of " + (pageSize >> 10) + " kB: " + total + " reserved, " + free + " free"
                : "huge pages of " + (pageSize >> 10) + " kB are not supported by this kernel";
    }
}
