package org.allocbench.arena;

import static org.allocbench.nativecore.AddressSpace.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.allocbench.nativecore.AllocSetNative;
import org.allocbench.nativecore.AllocSetSizes;
import org.allocbench.nativecore.MemoryContextCounters;
import org.allocbench.nativecore.NativeMemoryContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same seeded random op sequences through the pure-Java AllocSet and the
 * native one: after every op the statistics, and the header word of the chunk
 * the op handed out, must be identical (the header holds the size class and
 * the offset from the block start, so equal headers mean equal placement).
 * Every 50 ops and at the end the freelists and every live chunk's contents
 * are checked on both sides (overlapping chunks would have overwritten each
 * other), and contents must survive every realloc.
 */
class JavaVsNativeAllocSetTest {

    private static final int OPS = 3000;
    private static final int SLOTS = 160;
    private static final int CHECK_EVERY = 50;
    /** Contents of a chunk: PATTERN[tag .. tag + size), tag < 4096; sizes stay below 256 KB. */
    private static final MemorySegment PATTERN = pattern(4096 + 256 * 1024);

    enum Sizes {
        /** 0..64 uniform: the smallest classes, lots of freelist reuse. */
        TINY,
        /** 1..8192 log-uniform: every size class. */
        LOG_UNIFORM,
        /** mostly log-uniform, 15% above the chunk limit up to 200 KB. */
        WITH_LARGE,
        /** everything mixed, a reset now and then. */
        MIXED
    }

    static Stream<Arguments> sequences() {
        List<Arguments> all = new ArrayList<>();
        AllocSetSizes[] presets = {
            AllocSetSizes.DEFAULT, AllocSetSizes.SMALL, AllocSetSizes.START_SMALL,
            new AllocSetSizes(0, 8192, 16384), new AllocSetSizes(4096, 1024, 65536),
        };
        String[] names = {"DEFAULT", "SMALL", "START_SMALL", "(0,8192,16384)", "(4096,1024,65536)"};
        long seed = 1;
        for (int p = 0; p < presets.length; p++) {
            for (Sizes sizes : Sizes.values()) {
                for (int i = 0; i < 4; i++) {
                    // every block source (malloc, arenas, Java arrays): the statistics never see where a block
                    // came from
                    JavaAllocSet.Blocks blocks = JavaAllocSet.Blocks.values()[i % JavaAllocSet.Blocks.values().length];
                    all.add(Arguments.of(names[p], presets[p], sizes, seed++, blocks));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {2} seed {3}, {4} blocks")
    @MethodSource("sequences")
    void sameStatisticsAfterEveryOp(String presetName, AllocSetSizes preset, Sizes sizes, long seed,
            JavaAllocSet.Blocks blocks) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] javaPtr = new long[SLOTS];
        long[] nativePtr = new long[SLOTS];
        long[] size = new long[SLOTS];
        int[] tag = new int[SLOTS];
        try (JavaAllocSet jset = new JavaAllocSet("java", preset, blocks);
                NativeMemoryContext nat = NativeMemoryContext.create("native", preset)) {
            long cx = nat.address();
            long limit = jset.allocChunkLimit();
            assertEquals(nat.allocChunkLimit(), limit);
            assertEquals(nat.stats(), jset.stats(), "fresh");
            int resets = 0;
            for (int op = 0; op < OPS; op++) {
                int slot = random.nextInt(SLOTS);
                String what;
                if (random.nextInt(1000) < (sizes == Sizes.MIXED ? 4 : 1)) {
                    what = "reset";
                    jset.reset();
                    AllocSetNative.uncheckedReset(cx);
                    Arrays.fill(javaPtr, 0);
                    Arrays.fill(nativePtr, 0);
                    resets++;
                } else if (javaPtr[slot] == 0) {
                    long n = drawSize(random, sizes, limit);
                    boolean zeroed = random.nextInt(4) == 0;
                    what = (zeroed ? "allocZeroed " : "alloc ") + n;
                    long j = zeroed ? jset.allocZeroed(n) : jset.alloc(n);
                    long p = AllocSetNative.uncheckedAlloc(cx, n);
                    if (zeroed) {
                        ALL.asSlice(p, n).fill((byte) 0);
                        assertZero(jset.segment(j, n), what);
                    }
                    assertEquals(header(p), jset.chunkHeaderWord(j), () -> "chunk header after " + what);
                    javaPtr[slot] = j;
                    nativePtr[slot] = p;
                    size[slot] = n;
                    tag[slot] = random.nextInt(4096);
                    write(jset.segment(j, n), tag[slot]);
                    write(ALL.asSlice(p, n), tag[slot]);
                } else if (random.nextInt(100) < 45) {
                    what = "free " + size[slot];
                    jset.free(javaPtr[slot]);
                    AllocSetNative.uncheckedFree(nativePtr[slot]);
                    javaPtr[slot] = 0;
                    nativePtr[slot] = 0;
                } else {
                    long n = random.nextInt(4) == 0 ? random.nextLong(0, size[slot] + 1) : drawSize(random, sizes, limit);
                    what = "realloc " + size[slot] + " -> " + n;
                    long oldJ = javaPtr[slot];
                    long oldN = nativePtr[slot];
                    boolean wasExternal = (jset.chunkHeaderWord(oldJ) & 8) != 0;
                    long j = jset.realloc(oldJ, n);
                    long p = AllocSetNative.uncheckedRealloc(oldN, n);
                    assertEquals(header(p), jset.chunkHeaderWord(j), () -> "chunk header after " + what);
                    if (!wasExternal) {
                        assertEquals(oldN == p, oldJ == j, () -> "in place or moved alike after " + what);
                    }
                    long kept = Math.min(size[slot], n);
                    assertContents(jset.segment(j, kept), tag[slot], "java after " + what);
                    assertContents(ALL.asSlice(p, kept), tag[slot], "native after " + what);
                    javaPtr[slot] = j;
                    nativePtr[slot] = p;
                    size[slot] = n;
                    write(jset.segment(j, n), tag[slot]);
                    write(ALL.asSlice(p, n), tag[slot]);
                }
                MemoryContextCounters expected = nat.stats();
                MemoryContextCounters actual = jset.stats();
                if (!expected.equals(actual)) {
                    fail("op " + op + " (" + what + ") of " + presetName + " " + sizes + " seed " + seed
                            + ": native " + expected + ", java " + actual);
                }
                if (op % CHECK_EVERY == 0 || op == OPS - 1) {
                    checkpoint(jset, nat, javaPtr, nativePtr, size, tag, "op " + op);
                }
            }
            assertEquals(nat.memAllocated(false), jset.memAllocated());
            if (sizes == Sizes.MIXED) {
                assertTrue(resets > 0, "the mixed sequences reset now and then");
            }
            jset.reset();
            AllocSetNative.uncheckedReset(cx);
            assertEquals(nat.stats(), jset.stats(), "after the final reset");
        }
    }

    private static long drawSize(SplittableRandom random, Sizes sizes, long limit) {
        return switch (sizes) {
            case TINY -> random.nextLong(0, 65);
            case LOG_UNIFORM -> logUniform(random);
            case WITH_LARGE -> random.nextInt(100) < 15 ? random.nextLong(limit + 1, 200_001) : logUniform(random);
            case MIXED -> switch (random.nextInt(10)) {
                case 0 -> random.nextLong(limit + 1, 200_001);
                case 1, 2, 3 -> random.nextLong(0, 65);
                default -> logUniform(random);
            };
        };
    }

    /** 1..8192, log-uniform. */
    private static long logUniform(SplittableRandom random) {
        return Math.min(8192, (long) Math.exp(random.nextDouble() * Math.log(8193)));
    }

    private static void checkpoint(JavaAllocSet jset, NativeMemoryContext nat, long[] javaPtr, long[] nativePtr,
            long[] size, int[] tag, String where) {
        for (int fidx = 0; fidx < JavaAllocSet.NUM_FREELISTS; fidx++) {
            assertEquals(nat.freelistLength(fidx), jset.freelistLength(fidx), where + ": freelist " + fidx);
        }
        assertEquals(nat.memAllocated(false), jset.memAllocated(), where + ": memAllocated");
        for (int s = 0; s < javaPtr.length; s++) {
            if (javaPtr[s] != 0) {
                assertContents(jset.segment(javaPtr[s], size[s]), tag[s], where + ": java slot " + s);
                assertContents(ALL.asSlice(nativePtr[s], size[s]), tag[s], where + ": native slot " + s);
                assertEquals(header(nativePtr[s]), jset.chunkHeaderWord(javaPtr[s]), where + ": header of slot " + s);
                assertTrue(jset.chunkCapacity(javaPtr[s]) >= size[s], where + ": capacity of slot " + s);
            }
        }
    }

    private static long header(long pointer) {
        return ALL.get(ValueLayout.JAVA_LONG, pointer - 8);
    }

    /** A chunk's memory (native: at its address; Java: through the set, which may keep it in an array). */
    private static void write(MemorySegment chunk, int tag) {
        MemorySegment.copy(PATTERN, tag, chunk, 0, chunk.byteSize());
    }

    private static void assertContents(MemorySegment chunk, int tag, String where) {
        long n = chunk.byteSize();
        long mismatch = MemorySegment.mismatch(chunk, 0, n, PATTERN, tag, tag + n);
        if (mismatch != -1) {
            fail(where + ": contents differ at byte " + mismatch + " of " + n);
        }
    }

    private static void assertZero(MemorySegment chunk, String where) {
        for (long i = 0; i < chunk.byteSize(); i++) {
            if (chunk.get(ValueLayout.JAVA_BYTE, i) != 0) {
                fail(where + ": byte " + i + " not zeroed");
            }
        }
    }

    private static MemorySegment pattern(int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(42).nextBytes(bytes);
        return MemorySegment.ofArray(bytes);
    }
}
