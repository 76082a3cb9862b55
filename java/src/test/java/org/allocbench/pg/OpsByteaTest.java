package org.allocbench.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.allocbench.trace.OpSequence;
import org.junit.jupiter.api.Test;

class OpsByteaTest {

    @Test
    void littleEndianWordsInOrder() {
        long a = OpSequence.encode(OpSequence.ALLOC, 0, 1); // 1 | 1 << 27 = 0x08000001
        long f = OpSequence.encode(OpSequence.FREE, 2, 0); // 4 | 2 << 3 = 0x14
        long r = OpSequence.encode(OpSequence.REALLOC, 0xffffff, OpSequence.MAX_SIZE);
        byte[] bytes = OpsBytea.encode(new long[] {a, f, r});
        assertArrayEquals(new byte[] {
            0x01, 0x00, 0x00, 0x08, 0, 0, 0, 0,
            0x14, 0, 0, 0, 0, 0, 0, 0,
            // 3 | 0xffffff << 3 | 0x3fffffff << 27 = 0x01ff_ffff_ffff_fffb
            (byte) 0xfb, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01,
        }, bytes);
    }

    @Test
    void emptyIsEmpty() {
        assertArrayEquals(new byte[0], OpsBytea.encode(new long[0]));
    }
}
