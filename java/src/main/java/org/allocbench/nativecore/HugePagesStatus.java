package org.allocbench.nativecore;

/** PostgreSQL 17's huge_pages_status ({@code AbHugeStatus}). */
public enum HugePagesStatus {
    OFF, ON,
    /** Transparent huge pages before the kernel reported on them: see {@link SharedSegment#pages()}. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
