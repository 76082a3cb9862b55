package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The op encoding's own checks: what it refuses never reaches a replayer. */
class OpSequenceTest {

    @Test
    void allocatingOpsRefuseSizeZeroBecauseTheReplayTouchesTheLastByte() {
        for (byte kind : new byte[] {OpSequence.ALLOC, OpSequence.ALLOC_ZEROED, OpSequence.REALLOC}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpSequence.encode(kind, 0, 0));
            assertEquals("cannot encode op kind " + kind + ", slot 0, size 0", e.getMessage());
        }
    }

    @Test
    void sizesRunFromOneToMaxAllocSize() {
        OpSequence ops = new OpSequence("t", 1, new long[] {
            OpSequence.encode(OpSequence.ALLOC, 0, 1), OpSequence.encode(OpSequence.REALLOC, 0, OpSequence.MAX_SIZE)});
        assertEquals(1, ops.size(0));
        assertEquals(OpSequence.MAX_SIZE, ops.size(1));
        assertThrows(IllegalArgumentException.class, () -> OpSequence.encode(OpSequence.ALLOC, 0, OpSequence.MAX_SIZE + 1));
    }

    @Test
    void freeAndResetCarryNoSize() {
        assertEquals(0, new OpSequence("t", 1, new long[] {OpSequence.encode(OpSequence.FREE, 0, 0)}).size(0));
        assertThrows(IllegalArgumentException.class, () -> OpSequence.encode(OpSequence.FREE, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> OpSequence.encode(OpSequence.RESET, 0, 8));
    }
}
