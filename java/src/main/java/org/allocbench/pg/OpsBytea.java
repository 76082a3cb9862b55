package org.allocbench.pg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code ops bytea} argument of {@code allocbench_replay}: the encoded ops
 * ({@code OpSequence.encoded()}) as little-endian 64-bit words, one per op,
 * in order; what the extension decodes whatever the server's byte order.
 */
public final class OpsBytea {

    private OpsBytea() {
    }

    public static byte[] encode(long[] encodedOps) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(encodedOps.length, Long.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(encodedOps);
        return bytes.array();
    }
}
