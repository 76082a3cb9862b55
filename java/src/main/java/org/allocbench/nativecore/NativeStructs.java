package org.allocbench.nativecore;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Java views of the C structs in {@code allocbench.h}. The sizes are checked
 * against the library's own {@code sizeof} when it is loaded, so a header
 * change that is not mirrored here fails at start-up, not with wrong numbers.
 */
final class NativeStructs {

    /** {@code AbCounters}: five uint64 in declaration order. */
    static final StructLayout COUNTERS = MemoryLayout.structLayout(
            JAVA_LONG.withName("nblocks"),
            JAVA_LONG.withName("freechunks"),
            JAVA_LONG.withName("totalspace"),
            JAVA_LONG.withName("freespace"),
            JAVA_LONG.withName("usedspace"));

    /** {@code AbContextRow}. */
    static final StructLayout ROW = MemoryLayout.structLayout(
            ADDRESS.withName("name"),
            ADDRESS.withName("ident"),
            ADDRESS.withName("parent"),
            JAVA_INT.withName("level"),
            JAVA_INT.withName("reserved"),
            COUNTERS.withName("counters"));

    /** {@code AbBlockSource}: three function pointers and a state pointer. */
    static final StructLayout BLOCK_SOURCE = MemoryLayout.structLayout(
            ADDRESS.withName("alloc"), ADDRESS.withName("realloc"), ADDRESS.withName("free"), ADDRESS.withName("state"));

    /** {@code AbBlockCounters}. */
    static final StructLayout BLOCK_COUNTERS = MemoryLayout.structLayout(
            JAVA_LONG.withName("alloc_calls"),
            JAVA_LONG.withName("free_calls"),
            JAVA_LONG.withName("realloc_calls"),
            JAVA_LONG.withName("bytes_allocated"),
            JAVA_LONG.withName("bytes_freed"),
            JAVA_LONG.withName("bytes_outstanding"),
            JAVA_LONG.withName("blocks_outstanding"));

    private static final long ROW_COUNTERS = ROW.byteOffset(MemoryLayout.PathElement.groupElement("counters"));
    private static final VarHandle ROW_NAME = ROW.varHandle(MemoryLayout.PathElement.groupElement("name"));
    private static final VarHandle ROW_IDENT = ROW.varHandle(MemoryLayout.PathElement.groupElement("ident"));
    private static final VarHandle ROW_PARENT = ROW.varHandle(MemoryLayout.PathElement.groupElement("parent"));
    private static final VarHandle ROW_LEVEL = ROW.varHandle(MemoryLayout.PathElement.groupElement("level"));

    private NativeStructs() {
    }

    static void checkAgainst(long sizeofCounters, long sizeofRow) {
        if (sizeofCounters != COUNTERS.byteSize() || sizeofRow != ROW.byteSize()) {
            throw new UnsatisfiedLinkError("liballocbench.so's structs (AbCounters " + sizeofCounters + " bytes, AbContextRow "
                    + sizeofRow + ") do not match this jar's layouts (" + COUNTERS.byteSize() + ", " + ROW.byteSize()
                    + "): the jar and its native library are out of step");
        }
    }

    static MemoryContextCounters readCounters(MemorySegment segment, long offset) {
        return new MemoryContextCounters(
                segment.get(JAVA_LONG, offset),
                segment.get(JAVA_LONG, offset + 8),
                segment.get(JAVA_LONG, offset + 16),
                segment.get(JAVA_LONG, offset + 24),
                segment.get(JAVA_LONG, offset + 32));
    }

    static MemoryContextRow readRow(MemorySegment rows, long index) {
        MemorySegment row = rows.asSlice(index * ROW.byteSize(), ROW.byteSize());
        return new MemoryContextRow(
                cString((MemorySegment) ROW_NAME.get(row, 0L)),
                cString((MemorySegment) ROW_IDENT.get(row, 0L)),
                cString((MemorySegment) ROW_PARENT.get(row, 0L)),
                (int) ROW_LEVEL.get(row, 0L),
                readCounters(row, ROW_COUNTERS));
    }

    /** A NUL-terminated C string, or null for a NULL pointer. */
    static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
