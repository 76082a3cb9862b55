package org.allocbench.nativecore;

import java.util.Locale;
import java.util.Optional;

/**
 * Which pages back a segment, by the name users type: {@code 4k} (normal
 * pages), {@code thp} (transparent huge pages, madvise), {@code 2m} and
 * {@code 1g} (hugetlb pages, huge_pages=on). What each kind of segment can
 * have, and what a hugetlb mapping needs reserved, are answered here once, for
 * the huge-pages benchmark, its campaign and the segment lanes alike.
 */
public enum PageMapping {
    SMALL("4k", HugePages.OFF, 0),
    TRANSPARENT("thp", HugePages.TRANSPARENT, 0),
    HUGE_2M("2m", HugePages.ON, 2L << 20),
    HUGE_1G("1g", HugePages.ON, 1L << 30);

    /** A normal page: what 4k and thp segments report (THP does not change the page size the kernel reports). */
    public static final long SMALL_PAGE = 4096;

    private final String label;
    private final HugePages mode;
    private final long hugePageSize;

    PageMapping(String label, HugePages mode, long hugePageSize) {
        this.label = label;
        this.mode = mode;
        this.hugePageSize = hugePageSize;
    }

    public String label() {
        return label;
    }

    /** The segment builder's huge-pages mode for this mapping. */
    public HugePages mode() {
        return mode;
    }

    /** The hugetlb page size this mapping needs reserved, 0 for none. */
    public long hugePageSize() {
        return hugePageSize;
    }

    /** The page size a segment of this mapping must report. */
    public long pageSize() {
        return hugePageSize == 0 ? SMALL_PAGE : hugePageSize;
    }

    public static PageMapping byLabel(String text) {
        for (PageMapping m : values()) {
            if (m.label.equalsIgnoreCase(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mapping \"" + text + "\" (expected 4k, thp, 2m or 1g)");
    }

    /** Why a segment of {@code kind} cannot have this mapping, or empty if it can. */
    public Optional<String> unsupportedOn(SegmentKind kind) {
        return switch (kind) {
            case ANONYMOUS -> Optional.empty();
            case SYSV -> this == TRANSPARENT
                    ? Optional.of("transparent huge pages apply to anonymous segments only") : Optional.empty();
            case POSIX -> this == SMALL ? Optional.empty()
                    : Optional.of("posix segments (shm_open) live on tmpfs, which has 4 KiB pages only");
            case FILE -> Optional.of("file segments are not part of this benchmark (their page size is their mount's)");
        };
    }

    /** Huge pages of this mapping's size a segment of {@code bytes} takes (0 for 4k and thp). */
    public long hugePagesNeeded(long bytes) {
        return hugePageSize == 0 ? 0 : (bytes + hugePageSize - 1) / hugePageSize;
    }

    /**
     * Why a segment of {@code bytes} cannot be created now for lack of
     * reserved huge pages, with the fix; empty if enough are free. Pages
     * promised to other mappings but not yet faulted are not free.
     */
    public Optional<String> missingHugePages(long bytes) {
        long needed = hugePagesNeeded(bytes);
        if (needed == 0) {
            return Optional.empty();
        }
        HugePagePool pool = HugePagePool.of(hugePageSize);
        long kb = hugePageSize >> 10;
        if (!pool.supported()) {
            return Optional.of("mapping " + label + " needs huge pages of " + kb
                    + " kB, which this kernel does not support (no /sys/kernel/mm/hugepages/hugepages-" + kb + "kB)");
        }
        long available = pool.free() - pool.reserved();
        if (available >= needed) {
            return Optional.empty();
        }
        long target = pool.total() + needed - available;
        return Optional.of(String.format(Locale.ROOT, "mapping %s needs %d free huge pages of %d kB for a %d-byte"
                + " segment, but the pool has %d (%d free, %d of them promised to other mappings): as root, echo %d"
                + " > /sys/kernel/mm/hugepages/hugepages-%dkB/nr_hugepages, or run allocbench hugepages, which"
                + " reserves them and restores the pool afterwards", label, needed, kb, bytes, pool.total(),
                pool.free(), pool.reserved(), target, kb));
    }
}
