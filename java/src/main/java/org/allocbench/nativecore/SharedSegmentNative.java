package org.allocbench.nativecore;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared-memory half of {@code liballocbench.so} ({@code ab_shmem.h}):
 * struct layouts and downcall handles. None of these calls is short enough
 * to be worth {@code critical}, and several block (file systems, /proc), so
 * all are ordinary downcalls, except the benchmark's access loops, which
 * are the measured work itself and never call back into Java.
 */
final class SharedSegmentNative {

    private static final String LIBRARY = "liballocbench.so";

    /** {@code AbSegRequest}. */
    static final StructLayout REQUEST = MemoryLayout.structLayout(
            JAVA_INT.withName("kind"), JAVA_INT.withName("huge_mode"),
            JAVA_LONG.withName("size"), JAVA_LONG.withName("huge_page_size"),
            ADDRESS.withName("name"), JAVA_LONG.withName("key"));

    /** {@code AbSegInfo}. */
    static final StructLayout INFO = MemoryLayout.structLayout(
            ADDRESS.withName("base"), JAVA_LONG.withName("size"), JAVA_LONG.withName("requested"),
            JAVA_LONG.withName("page_size"), JAVA_INT.withName("kind"), JAVA_INT.withName("huge_mode"),
            JAVA_INT.withName("huge_status"), JAVA_INT.withName("owner"), JAVA_LONG.withName("key"),
            JAVA_INT.withName("shmid"), JAVA_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("name"),
            MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("fallback"));

    /** {@code AbPageReport}. */
    static final StructLayout PAGES = MemoryLayout.structLayout(
            JAVA_LONG.withName("kernel_page_size"), JAVA_LONG.withName("mmu_page_size"), JAVA_LONG.withName("rss"),
            JAVA_LONG.withName("anon_huge_pages"), JAVA_LONG.withName("shmem_pmd_mapped"),
            JAVA_LONG.withName("hugetlb"), JAVA_INT.withName("huge_status"), JAVA_INT.withName("found"));

    /** {@code AbHugePool}. */
    static final StructLayout POOL = MemoryLayout.structLayout(
            JAVA_LONG.withName("page_size"), JAVA_LONG.withName("total"), JAVA_LONG.withName("free"),
            JAVA_LONG.withName("reserved"));

    static final int NAME_LEN = 48;
    /** {@code AbShmemRow}. */
    static final StructLayout ROW = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(NAME_LEN, JAVA_BYTE).withName("name"),
            JAVA_LONG.withName("off"), JAVA_LONG.withName("size"), JAVA_LONG.withName("allocated_size"));

    static final long INFO_NAME = INFO.byteOffset(groupElement("name"));
    static final long INFO_FALLBACK = INFO.byteOffset(groupElement("fallback"));

    static final MethodHandle CREATE = plain("ab_seg_create", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle ATTACH = plain("ab_seg_attach",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle INFO_OF = plain("ab_seg_info", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    static final MethodHandle PAGES_OF = plain("ab_seg_pages", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle DETACH = plain("ab_seg_detach", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle DESTROY = plain("ab_seg_destroy", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle REMOVE = plain("ab_seg_remove", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle KEEP = plain("ab_seg_keep", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle RUN_ID = plain("ab_seg_run_id", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle CLEANUP = plain("ab_seg_cleanup",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle HUGE_DEFAULT = plain("ab_huge_default_size", FunctionDescriptor.of(JAVA_LONG));
    static final MethodHandle HUGE_POOL = plain("ab_huge_pool", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle HUGE_RESERVE = plain("ab_huge_reserve",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SHMEM_INIT = plain("ab_shmem_init", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle SHMEM_INIT_STRUCT = plain("ab_shmem_init_struct",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle SHMEM_ALLOC = plain("ab_shmem_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SHMEM_ALLOCATIONS = plain("ab_shmem_allocations",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    static final MethodHandle ARENA_CREATE = plain("ab_seg_arena_create",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle ARENA_SOURCE = plain("ab_seg_arena_source", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    static final MethodHandle ARENA_IN_USE = plain("ab_seg_arena_in_use", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle ARENA_DESTROY = plain("ab_seg_arena_destroy", FunctionDescriptor.ofVoid(JAVA_LONG));
    static final MethodHandle TOUCH_PAGES = Downcalls.link(NativeLibrary.lookup(), LIBRARY, "ab_touch_pages",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
    static final MethodHandle CHASE_BUILD = plain("ab_chase_build",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle CHASE = Downcalls.link(NativeLibrary.lookup(), LIBRARY, "ab_chase",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);

    private SharedSegmentNative() {
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return Downcalls.link(NativeLibrary.lookup(), LIBRARY, name, descriptor, false);
    }

    /** Throws the native error unless {@code rc} is 0. */
    static void check(int rc) {
        if (rc != 0) {
            throw SharedSegmentException.fromNative();
        }
    }

    /** Throws the native error if {@code pointer} is 0 (NULL). */
    static long check(long pointer) {
        if (pointer == 0) {
            throw SharedSegmentException.fromNative();
        }
        return pointer;
    }

    static long hugeDefaultSize() {
        try {
            return (long) HUGE_DEFAULT.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static HugePagePool hugePool(long pageSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POOL);
            check((int) HUGE_POOL.invokeExact(pageSize, out));
            return new HugePagePool(out.get(JAVA_LONG, 0), out.get(JAVA_LONG, 8), out.get(JAVA_LONG, 16),
                    out.get(JAVA_LONG, 24));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static void hugeReserve(long pageSize, long pages) {
        try {
            check((int) HUGE_RESERVE.invokeExact(pageSize, pages));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** ab_seg_cleanup: runId null for every record of this user; one line per segment looked at. */
    static List<String> cleanup(String runId, boolean explicit) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64 * 1024);
            MemorySegment run = runId == null ? MemorySegment.NULL : arena.allocateFrom(runId);
            int removed = (int) CLEANUP.invokeExact(run, explicit ? 1 : 0, buf, buf.byteSize());
            if (removed < 0) {
                throw SharedSegmentException.fromNative();
            }
            List<String> lines = new ArrayList<>();
            for (String line : buf.getString(0).split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static void remove(SegmentKind kind, String nameOrPath, long key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = nameOrPath == null ? MemorySegment.NULL : arena.allocateFrom(nameOrPath);
            check((int) REMOVE.invokeExact(kind.ordinal(), name, key));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static String runId() {
        try {
            return ((MemorySegment) RUN_ID.invokeExact()).reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static String fixedString(MemorySegment struct, long offset, long length) {
        return struct.asSlice(offset, length).getString(0);
    }
}
