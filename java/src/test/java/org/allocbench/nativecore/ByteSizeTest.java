package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one size parser. It replaced two with different rules (the CLI options' and the huge-pages benchmark's):
 * the benchmark's size now takes B/iB and t as the options did; the options now refuse what only happened to
 * parse (a sign, spaces inside, "iB" without a unit), as the benchmark did.
 */
class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({"4096, 4096", "64k, 65536", "2M, 2097152", "1g, 1073741824", "1GiB, 1073741824",
        "64kb, 65536", "64KB, 65536", "4096B, 4096", "2t, 2199023255552", "' 512m ', 536870912", "0, 0"})
    void sizesAsUsersTypeThem(String text, long bytes) {
        assertEquals(bytes, ByteSize.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "-5", "+5", "64 k", "1.5g", "4096ib", "1_000", "2p", "k", "1gg"})
    void anythingElseIsNotASize(String text) {
        assertEquals("not a size: \"" + text + "\" (examples: 4096, 64k, 2M, 1G)",
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text)).getMessage());
    }

    @Test
    void aSizeMustFitInALong() {
        assertEquals(Long.MAX_VALUE >> 40 << 40, ByteSize.parse((Long.MAX_VALUE >> 40) + "t"));
        assertEquals("size out of range: \"" + ((Long.MAX_VALUE >> 40) + 1) + "t\"", assertThrows(
                IllegalArgumentException.class, () -> ByteSize.parse(((Long.MAX_VALUE >> 40) + 1) + "t")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999999999999999"));
    }

    @Test
    void zeroIsASizeButNotAPositiveOne() {
        assertEquals(1L << 30, ByteSize.parsePositive("1g"));
        assertEquals("size out of range: \"0k\"",
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parsePositive("0k")).getMessage());
    }

    @Test
    void formatsInExactBinaryUnits() {
        assertEquals("2 MiB", ByteSize.format(2 << 20));
        assertEquals("1536 B", ByteSize.format(1536));
        assertEquals("3 TiB", ByteSize.format(3L << 40));
        assertEquals("0 B", ByteSize.format(0));
    }
}
