package org.allocbench.nativecore;

/** The four kinds of shared-memory segment ({@code AbSegKind}), in the native order. */
public enum SegmentKind {
    /** {@code mmap(MAP_SHARED | MAP_ANONYMOUS)}: shared with child processes only, no name. */
    ANONYMOUS,
    /** {@code mmap} of a file at a path; a path on a hugetlbfs mount gives huge pages. */
    FILE,
    /** {@code shm_open}: a name like {@code /allocbench.x} under /dev/shm. */
    POSIX,
    /** {@code shmget}: a numeric key, or a private segment (key 0). */
    SYSV;

    /** The name users type: anonymous, file, posix, sysv. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SegmentKind parse(String text) {
        for (SegmentKind kind : values()) {
            if (kind.label().equalsIgnoreCase(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown segment kind \"" + text + "\" (expected anonymous, file, posix or sysv)");
    }
}
