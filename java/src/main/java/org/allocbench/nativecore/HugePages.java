package org.allocbench.nativecore;

/**
 * PostgreSQL's huge_pages setting ({@code AbHugeMode}), plus transparent huge
 * pages: {@code madvise(MADV_HUGEPAGE)} on an aligned anonymous mapping.
 */
public enum HugePages {
    /** Normal pages. */
    OFF,
    /** Huge pages if the kernel can give them, else normal pages and a note saying why. */
    TRY,
    /** Huge pages or an error naming the request and the reserved/free pages. */
    ON,
    /** Transparent huge pages (anonymous segments only): the kernel decides page by page. */
    TRANSPARENT;

    public String label() {
        return this == TRANSPARENT ? "thp" : name().toLowerCase(java.util.Locale.ROOT);
    }

    public static HugePages parse(String text) {
        for (HugePages mode : values()) {
            if (mode.label().equalsIgnoreCase(text) || mode.name().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown huge pages mode \"" + text + "\" (expected off, try, on or thp)");
    }
}
