package org.allocbench.nativecore;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as users type them, one set of rules for every option and parameter
 * that takes one (segment sizes, huge page sizes, memory limits, the
 * huge-pages benchmark's {@code size}):
 * <ul>
 * <li>digits only: no sign, no decimal point, no spaces or separators
 *     inside (surrounding spaces are ignored);</li>
 * <li>an optional binary unit, case-insensitive: {@code k}, {@code m},
 *     {@code g}, {@code t} (2<sup>10</sup> .. 2<sup>40</sup>), optionally
 *     followed by {@code B} or {@code iB} ({@code 64k}, {@code 64KiB},
 *     {@code 64kb}); a bare {@code B} means bytes ({@code 4096B});</li>
 * <li>the value must fit in a long.</li>
 * </ul>
 * Zero is a size ({@code --huge-page-size 0}: the default);
 * {@link #parsePositive} is for what cannot be empty.
 */
public final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)(?:([kmgt])(?:i?b)?|b)?");

    private ByteSize() {
    }

    /** The size {@code text} means, in bytes; an IllegalArgumentException (with an example) if it is none. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: \"" + text + "\" (examples: 4096, 64k, 2M, 1G)");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2).charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 40;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size out of range: \"" + text + "\"");
        }
    }

    /** {@link #parse}, and zero is out of range. */
    public static long parsePositive(String text) {
        long bytes = parse(text);
        if (bytes == 0) {
            throw new IllegalArgumentException("size out of range: \"" + text + "\"");
        }
        return bytes;
    }

    /** 2097152 -> "2 MiB", 1536 -> "1536 B": exact binary units only, so nothing is rounded away. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }
}
