package org.allocbench.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes as users type them: {@code 4096}, {@code 64k}, {@code 2M}, {@code 1G}
 * (binary units, case-insensitive, optional "B" / "iB"). A picocli converter.
 */
public final class ByteSize implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        int shift = 0;
        if (!text.isEmpty()) {
            switch (text.charAt(text.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        try {
            long number = Long.parseLong(digits.trim());
            if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
                throw new TypeConversionException("size out of range: " + value);
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not a size: \"" + value + "\" (examples: 4096, 64k, 2M, 1G)");
        }
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
