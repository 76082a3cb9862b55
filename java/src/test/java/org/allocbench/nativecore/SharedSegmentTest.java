package org.allocbench.nativecore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Segments from Java: what was obtained, the life cycle, and each error as a clear exception. */
class SharedSegmentTest {

    static final long MB2 = 2L << 20;

    private static final String NONCE = Long.toHexString(new java.security.SecureRandom().nextLong() >>> 1);

    /** The tool's prefix, unique to this test run (PID and a random part). */
    static String uniqueName(String tag) {
        return "/allocbench.jtest." + ProcessHandle.current().pid() + "." + NONCE + "." + tag;
    }

    static boolean posixExists(String name) {
        return Files.exists(Path.of("/dev/shm" + name));
    }

    @Test
    void anonymousSegmentIsRoundedAndReportsItsPages() {
        MemorySegmentHolder holder = new MemorySegmentHolder();
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.ANONYMOUS).size(10_000).create()) {
            assertEquals(10_000, seg.requestedSize());
            assertEquals(12_288, seg.size());
            assertEquals(4096, seg.pageSize());
            assertEquals(HugePagesStatus.OFF, seg.hugePagesStatus());
            assertTrue(seg.owner());
            assertTrue(seg.fallback().isEmpty());
            seg.memory().set(ValueLayout.JAVA_LONG, 12_280, 42L);
            assertEquals(42L, seg.memory().get(ValueLayout.JAVA_LONG, 12_280));
            PageReport pages = seg.pages();
            assertEquals(4096, pages.kernelPageSize());
            assertEquals(0, pages.hugetlb());
            holder.segment = seg;
        }
        // After close the memory is unmapped, and Java says so instead of crashing.
        assertThrows(IllegalStateException.class, () -> holder.segment.memory().get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, holder.segment::pages);
        holder.segment.close(); // idempotent
    }

    private static final class MemorySegmentHolder {
        SharedSegment segment;
    }

    @Test
    void posixSegmentIsRemovedOnCloseAndItsNameIsExclusive() {
        String name = uniqueName("excl");
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.POSIX).name(name).size(1 << 16).create()) {
            assertTrue(posixExists(name));
            SharedSegmentException e = assertThrows(SharedSegmentException.class,
                    () -> SharedSegment.builder(SegmentKind.POSIX).name(name).size(4096).create());
            assertEquals(SharedSegmentException.Kind.EXISTS, e.kind());
            assertEquals("could not open shared memory segment \"" + name + "\": File exists", e.getMessage());
            try (SharedSegment attached = SharedSegment.attach(SegmentKind.POSIX, name)) {
                assertFalse(attached.owner());
                assertEquals(1 << 16, attached.size());
            }
            assertTrue(posixExists(name), "closing an attached (not owned) segment only detaches");
        }
        assertFalse(posixExists(name));
        SharedSegmentException gone = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.attach(SegmentKind.POSIX, name));
        assertEquals(SharedSegmentException.Kind.NOT_FOUND, gone.kind());
    }

    @Test
    void sysvKeyInUseIsAnError() {
        long chosen;
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.SYSV).anyFreeKey().size(4096).create()) {
            long key = seg.key();
            chosen = key;
            assertTrue(key >= 0x41420000L && key <= 0x4142FFFFL, Long.toHexString(key));
            SharedSegmentException e = assertThrows(SharedSegmentException.class,
                    () -> SharedSegment.builder(SegmentKind.SYSV).key(key).size(4096).create());
            assertEquals(SharedSegmentException.Kind.EXISTS, e.kind());
            assertTrue(e.getMessage().contains("is in use"), e.getMessage());
            try (SharedSegment attached = SharedSegment.attachSysv(key)) {
                assertEquals(4096, attached.size());
            }
        }
        assertThrows(SharedSegmentException.class, () -> SharedSegment.attachSysv(chosen));
    }

    @Test
    void aSegmentLeftInPlaceCanBeRemovedByNameOrKeyWithoutAttaching() {
        String name = uniqueName("left");
        SharedSegment posix = SharedSegment.builder(SegmentKind.POSIX).name(name).size(4096).create();
        posix.keepAfterExit();
        posix.detach();
        assertTrue(posixExists(name));
        SharedSegment.remove(SegmentKind.POSIX, name);
        assertFalse(posixExists(name));
        assertEquals(SharedSegmentException.Kind.NOT_FOUND,
                assertThrows(SharedSegmentException.class, () -> SharedSegment.remove(SegmentKind.POSIX, name)).kind());

        SharedSegment sysv = SharedSegment.builder(SegmentKind.SYSV).anyFreeKey().size(4096).create();
        long key = sysv.key();
        sysv.detach();
        SharedSegment.removeSysv(key);
        assertThrows(SharedSegmentException.class, () -> SharedSegment.attachSysv(key));
        assertTrue(SharedSegment.runId().matches("[A-Za-z0-9._:-]{1,63}"), SharedSegment.runId());
    }

    @Test
    void badRequestsAreClearErrorsAndLeaveNothing() {
        SharedSegmentException zero = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.builder(SegmentKind.ANONYMOUS).size(0).create());
        assertEquals(SharedSegmentException.Kind.INVALID_ARGUMENT, zero.kind());
        assertTrue(zero.getMessage().startsWith("invalid shared memory segment size 0"), zero.getMessage());

        String tooBig = uniqueName("absurd");
        SharedSegmentException absurd = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.builder(SegmentKind.POSIX).name(tooBig).size(1L << 46).create());
        assertTrue(absurd.getMessage().startsWith("could not resize shared memory segment"), absurd.getMessage());
        assertTrue(absurd.detail().contains("The request size was 70368744177664 bytes"), absurd.detail());
        assertFalse(posixExists(tooBig));

        Path notHugetlbfs = Path.of("/tmp/allocbench-jtest-" + ProcessHandle.current().pid() + ".huge");
        SharedSegmentException huge = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.builder(SegmentKind.FILE).name(notHugetlbfs.toString()).size(MB2)
                        .hugePages(HugePages.ON).create());
        assertEquals(SharedSegmentException.Kind.HUGE_PAGES, huge.kind());
        assertTrue(huge.getMessage().contains("is not on a hugetlbfs mount"), huge.getMessage());
        assertFalse(Files.exists(notHugetlbfs));

        // sysfs refuses new files even to root: the permission error every user can reproduce.
        SharedSegmentException denied = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.builder(SegmentKind.FILE).name("/sys/allocbench-jtest").size(4096).create());
        assertEquals(SharedSegmentException.Kind.PERMISSION_DENIED, denied.kind());
        assertEquals("could not open file \"/sys/allocbench-jtest\": Permission denied", denied.getMessage());
    }

    @Test
    void hugePagesOnWithNoneReservedFailsWithThePoolInTheHint() {
        HugePagePool pool = HugePagePool.of(MB2);
        assumeTrue(pool.supported(), "the kernel has no 2 MiB huge pages");
        assumeTrue(pool.free() == 0, "2 MiB huge pages are reserved on this machine (" + pool.describe()
                + "): the failure cannot be provoked without releasing them");
        SharedSegmentException e = assertThrows(SharedSegmentException.class,
                () -> SharedSegment.builder(SegmentKind.ANONYMOUS).size(3_000_000).hugePages(HugePages.ON)
                        .hugePageSize(MB2).create());
        assertEquals(SharedSegmentException.Kind.HUGE_PAGES, e.kind());
        assertEquals("could not map anonymous shared memory: Cannot allocate memory", e.getMessage());
        assertTrue(e.detail().contains("The request size was 3000000 bytes (rounded up to 2097152-byte pages)"),
                e.detail());
        assertTrue(e.detail().contains("huge pages of 2048 kB: " + pool.total() + " reserved"), e.detail());

        try (SharedSegment fallback = SharedSegment.builder(SegmentKind.ANONYMOUS).size(3_000_000)
                .hugePages(HugePages.TRY).hugePageSize(MB2).create()) {
            assertEquals(4096, fallback.pageSize());
            assertEquals(3_002_368, fallback.size());
            assertEquals(List.of("mmap(4194304) with MAP_HUGETLB failed, huge pages disabled: Cannot allocate memory"),
                    fallback.fallback().stream().toList());
        }
    }

    @Test
    void reservedHugePagesAreWhatSmapsReports() {
        HugePagePool before = HugePagePool.of(MB2);
        assumeTrue(before.supported(), "the kernel has no 2 MiB huge pages");
        try {
            HugePagePool.reserve(MB2, before.total() + 2);
        } catch (SharedSegmentException e) {
            assumeTrue(false, "cannot reserve huge pages: " + e.getMessage() + " (" + e.detail() + ")");
        }
        try {
            assumeTrue(HugePagePool.of(MB2).free() >= 2, "the kernel did not give 2 free huge pages of 2 MiB");
            try (SharedSegment seg = SharedSegment.builder(SegmentKind.SYSV).size(3 << 20).hugePages(HugePages.ON)
                    .hugePageSize(MB2).create()) {
                assertEquals(MB2, seg.pageSize());
                assertEquals(4L << 20, seg.size());
                assertEquals(HugePagesStatus.ON, seg.hugePagesStatus());
                assertEquals(2, PageAccess.touch(seg.memory(), MB2), "one fault per 2 MiB page");
                PageReport pages = seg.pages();
                assertEquals(MB2, pages.kernelPageSize());
                assertEquals(4L << 20, pages.hugetlb());
                assertEquals(0, pages.rss());
            }
        } finally {
            HugePagePool.reserve(MB2, before.total());
        }
        assertEquals(before.total(), HugePagePool.of(MB2).total());
    }

    @Test
    void namedAllocationsWithExactOffsets() {
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.ANONYMOUS).size(1 << 20).create()) {
            seg.initIndex();
            SharedSegment.NamedStruct a = seg.initStruct("A", 100);
            assertFalse(a.found());
            assertEquals(18_560, a.memory().address() - seg.memory().address());
            seg.allocateAnonymous(10);
            assertTrue(seg.initStruct("A", 100).found());
            SharedSegmentException wrong = assertThrows(SharedSegmentException.class, () -> seg.initStruct("A", 200));
            assertEquals("ShmemIndex entry size is wrong for data structure \"A\": expected 200, actual 100",
                    wrong.getMessage());
            SharedSegmentException full = assertThrows(SharedSegmentException.class,
                    () -> seg.initStruct("big", 2 << 20));
            assertEquals("out of shared memory (2097152 bytes requested)", full.getMessage());
            assertEquals(List.of(
                    new ShmemAllocation("ShmemIndex", 0, 18_480, 18_560),
                    new ShmemAllocation("A", 18_560, 100, 128),
                    new ShmemAllocation("<anonymous>", -1, 128, 128),
                    new ShmemAllocation(null, 18_816, (1 << 20) - 18_816, (1 << 20) - 18_816)),
                    seg.allocations());
        }
    }

    @Test
    void allocSetOnSegmentMemoryCountsLikeOnMalloc() {
        try (SharedSegment seg = SharedSegment.builder(SegmentKind.ANONYMOUS).size(4 << 20).create();
                SegmentBlockSource source = new SegmentBlockSource(seg.memory());
                NativeMemoryContext onMalloc = NativeMemoryContext.create("malloc")) {
            long lo = seg.memory().address();
            long hi = lo + seg.size();
            try (NativeMemoryContext onSegment = NativeMemoryContext.create("segment", AllocSetSizes.DEFAULT, source)) {
                long[] sizes = {100, 1000, 5000, 20_000, 100, 64};
                for (int round = 0; round < 50; round++) {
                    for (long size : sizes) {
                        long p = onSegment.allocate(size).address();
                        assertTrue(p >= lo && p + size <= hi, "chunk outside the segment");
                        onMalloc.allocate(size);
                    }
                }
                assertEquals(onMalloc.stats(), onSegment.stats(), "same algorithm, other memory: same counters");
                assertTrue(source.bytesInUse() >= onSegment.stats().totalBytes());
            }
            assertEquals(0, source.bytesInUse(), "deleting the context gave every block back to the segment");
        }
    }

    @Test
    void hugePagePoolsAreReadFromTheKernel() {
        long defaultSize = HugePagePool.defaultPageSize();
        assumeTrue(defaultSize > 0, "the kernel has no hugetlb support");
        HugePagePool pool = HugePagePool.of(0);
        assertEquals(defaultSize, pool.pageSize());
        assertTrue(pool.total() >= 0 && pool.free() <= pool.total(), pool.toString());
        assertFalse(HugePagePool.of(8L << 20).supported());
        assertArrayEquals(new long[] {-1, -1}, new long[] {HugePagePool.of(8L << 20).total(),
                HugePagePool.of(8L << 20).free()});
    }
}
