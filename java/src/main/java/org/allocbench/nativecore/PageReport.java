package org.allocbench.nativecore;

/**
 * A segment's pages as the kernel reports them in /proc/self/smaps (all in
 * bytes). hugetlb mappings show {@code rss} 0 and their memory under
 * {@code hugetlb}; THP shows as {@code anonHugePages} (private) or
 * {@code shmemPmdMapped} (shared); {@code kernelPageSize} is the page size of
 * the mapping.
 */
public record PageReport(long kernelPageSize, long mmuPageSize, long rss, long anonHugePages, long shmemPmdMapped,
        long hugetlb, HugePagesStatus status) {
}
