package org.allocbench.nativecore;

import static org.allocbench.nativecore.Counters.assertCounters;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Block switches: leftover carving into freelists, block doubling, and the
 * maxBlockSize cap. A chunk costs its power-of-two capacity plus an 8-byte
 * header; a block costs a 40-byte header.
 */
class BlockGrowthTest {

    /**
     * 1024-byte chunks cost 1032. The keeper has 7952 free: 7 chunks (7224),
     * 728 left. The 8th needs a new block; first the 728 are carved:
     * 728-8=720 -> class 512 (520 used, 208 left); 200 -> 128 (136, 72 left);
     * 64 -> exactly 64 (72, 0 left). Then a block of initBlockSize 8192.
     */
    @Test
    void leftoverOfTheOldHeadBlockIsCarvedIntoFreelists() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Carve")) {
            for (int i = 0; i < 7; i++) {
                context.allocate(1024);
            }
            // 240 + 7 * 1032 = 7464 used; 728 free in the keeper
            assertCounters(context.stats(), 8192, 1, 728, 0, 7464);

            context.allocate(1024);
            assertEquals(1, context.freelistLength(3)); // 64
            assertEquals(1, context.freelistLength(4)); // 128
            assertEquals(0, context.freelistLength(5));
            assertEquals(1, context.freelistLength(6)); // 512
            for (int index : new int[] {0, 1, 2, 7, 8, 9, 10}) {
                assertEquals(0, context.freelistLength(index), "freelist " + index);
            }
            // total 8192 + 8192; free = new block 8192-40-1032 = 7120, + freelist 72+136+520 = 728
            // used = 240 + 8 * 1032 + 40 = 8536
            assertCounters(context.stats(), 16384, 2, 7848, 3, 8536);

            // 7 more fit the second block (8152 / 1032), leaving 928; the 15th switches again:
            // 920 -> 512 (520, 408 left); 400 -> 256 (264, 144 left); 136 -> 128 (136, 8 left); 8 stay.
            for (int i = 0; i < 7; i++) {
                context.allocate(1024);
            }
            assertEquals(1, context.freelistLength(3));
            assertEquals(2, context.freelistLength(4));
            assertEquals(1, context.freelistLength(5));
            assertEquals(2, context.freelistLength(6));
            // third block doubled to 16384: total 32768; free = 16384-40-1032 = 15312 in it,
            // 8 at the end of block two, freelists 72 + 2*136 + 264 + 2*520 = 1648
            // used = 240 + 15 * 1032 + 2 * 40 = 15800
            assertCounters(context.stats(), 32768, 3, 16968, 6, 15800);
        }
    }

    /**
     * Sizes (0, 8 KB, 16 KB): chunk limit 2048, 2048-byte chunks cost 2056.
     * Blocks: keeper 8192 (3 chunks, 1784 left), 8192 (3 chunks, 1984 left),
     * 16384 (7 chunks, 1952 left), then 16384 again: capped, not 32768.
     * Carved: 1784 -> 1024,512,128,64,16; 1976 of 1984 -> 1024,512,256,128,16
     * (8 stay); 1952 -> 1024,512,256,128.
     */
    @Test
    void blockSizesDoubleUpToMaxBlockSize() {
        try (NativeMemoryContext context = NativeMemoryContext.create("Grow", new AllocSetSizes(0, 8192, 16384))) {
            for (int i = 0; i < 14; i++) {
                context.allocate(2048);
            }
            // total 8192 + 8192 + 16384 + 16384 = 49152
            // free = last block 16384-40-2056 = 14288, + 8 in block two, + carved 1784+1976+1952 = 5712
            // used = 240 + 14 * 2056 + 3 * 40 = 29144
            assertCounters(context.stats(), 49152, 4, 20008, 14, 29144);
            long[] expected = {0, 2, 0, 1, 3, 2, 3, 3, 0, 0, 0};
            for (int index = 0; index < expected.length; index++) {
                assertEquals(expected[index], context.freelistLength(index), "freelist " + index);
            }
        }
    }
}
