package org.allocbench.trace;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/** Shared by the trace tests: random valid sequences, parsing text, trace text from ops. */
final class TraceTesting {

    private TraceTesting() {
    }

    /**
     * A valid sequence of {@code ops} ops over {@code slots} slots: allocs into
     * empty slots, reallocs and frees of full ones, an occasional reset; sizes
     * mostly small, some large, the limits 1 and MaxAllocSize now and then.
     */
    static OpSequence randomSequence(Random random, String name, int ops, int slots) {
        BitSet full = new BitSet(slots);
        OpSequence.Builder b = new OpSequence.Builder(name, slots);
        for (int i = 0; i < ops; i++) {
            if (random.nextInt(200) == 0) {
                b.add(OpSequence.RESET, 0, 0);
                full.clear();
                continue;
            }
            int slot = random.nextInt(slots);
            if (full.get(slot)) {
                if (random.nextInt(4) == 0) {
                    b.add(OpSequence.REALLOC, slot, randomSize(random));
                } else {
                    b.add(OpSequence.FREE, slot, 0);
                    full.clear(slot);
                }
            } else {
                b.add(random.nextInt(5) == 0 ? OpSequence.ALLOC_ZEROED : OpSequence.ALLOC, slot, randomSize(random));
                full.set(slot);
            }
        }
        return b.build();
    }

    static long randomSize(Random random) {
        return switch (random.nextInt(20)) {
            case 0 -> 1;
            case 1 -> OpSequence.MAX_SIZE;
            case 2, 3 -> 1 + (long) Math.min(OpSequence.MAX_SIZE - 1, Math.exp(random.nextDouble() * Math.log(1 << 30)));
            default -> 1 + random.nextInt(256);
        };
    }

    /** Parses text as the file {@code name}. */
    static OpSequence parse(String name, String text) throws IOException, TraceFormatException {
        return TraceReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), name);
    }

    static OpSequence parse(String text) throws IOException, TraceFormatException {
        return parse("x.trace", text);
    }

    /** The exception parsing text as x.trace throws. */
    static TraceFormatException rejection(String text) {
        return assertThrows(TraceFormatException.class, () -> parse(text), () -> "accepted: " + text);
    }

    /** A sequence as trace text, through the writer. */
    static String text(OpSequence ops, List<String> comments) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceWriter.write(ops, out, comments);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
